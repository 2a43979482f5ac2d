package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API says which words of a prompt the model never saw, refuses them when asked to, and lists what it can draw. */
class HonestPromptsTest {

    static Http http;

    @BeforeAll
    static void connect() throws Exception {
        http = new Http(TestServer.baseUrl());
    }

    @Test
    void unknownWordsAreListedWithTheVideoAndStrictRefusesThem() throws Exception {
        Http.Reply made = http.json("POST", "/v1/videos", "{\"prompt\": \"a cat walking on a beach\", \"seconds\": \"1\"}");
        assertEquals(200, made.status(), made.body()::toString);
        JsonNode strom = made.body().path("strom");
        assertEquals("[\"cat\",\"walking\",\"beach\"]", strom.path("unknown_words").toString());
        assertTrue(strom.path("notes").toString().contains("never saw"), strom::toString);
        String id = made.body().path("id").asText();
        assertEquals("[\"cat\",\"walking\",\"beach\"]",
                http.json("GET", "/v1/videos/" + id, null).body().path("strom").path("unknown_words").toString(), "kept with the video");
        http.json("DELETE", "/v1/videos/" + id, null);

        Http.Reply strict = http.json("POST", "/v1/videos", "{\"prompt\": \"a cat walking on a beach\", \"strict\": true}");
        assertEquals(400, strict.status(), strict.body()::toString);
        assertEquals("unknown_words", strict.body().path("error").path("code").asText());
        assertEquals("prompt", strict.body().path("error").path("param").asText());
        assertTrue(strict.body().path("error").path("message").asText().contains("cat, walking, beach"), strict.body()::toString);

        Http.Reply known = http.multipart("/v1/videos", "prompt", null, "a red apple moving left on a blue background",
                "strict", null, "true", "seconds", null, "1");
        assertEquals(200, known.status(), known.body()::toString);
        assertEquals("[]", known.body().path("strom").path("unknown_words").toString());
        http.json("DELETE", "/v1/videos/" + known.body().path("id").asText(), null);
    }

    @Test
    void theModelListsWhatItCanDraw() throws Exception {
        Http.Reply list = http.json("GET", "/v1/models", null);
        String id = list.body().path("data").path(0).path("id").asText();
        Http.Reply model = http.json("GET", "/v1/models/" + id, null);
        assertEquals(200, model.status(), model.body()::toString);
        JsonNode canDraw = model.body().path("strom").path("can_draw");
        assertEquals(8, canDraw.path("objects").size(), canDraw::toString);
        assertEquals("red", canDraw.path("objects").path(0).path("colour").asText());
        assertTrue(canDraw.path("motions").toString().contains("moving left"));
        assertTrue(model.body().path("strom").path("examples").size() >= 3);
        assertEquals(404, http.json("GET", "/v1/models/sora-2", null).status());
    }
}
