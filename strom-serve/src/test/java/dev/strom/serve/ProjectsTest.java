package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each key's project owns what it makes: another project's key finds nothing of it, anywhere. */
class ProjectsTest {

    static Http alice;
    static Http bob;
    static Http defaultProject;

    @BeforeAll
    static void connect() throws Exception {
        alice = new Http(TestServer.baseUrl(), TestServer.ALICE);
        bob = new Http(TestServer.baseUrl(), TestServer.BOB);
        defaultProject = new Http(TestServer.baseUrl());
    }

    @Test
    void anotherProjectsVideoIsNotFoundThroughAnyRoute() throws Exception {
        Http.Reply made = alice.json("POST", "/v1/videos", "{\"prompt\": \"a red apple moving left on a blue background\", \"seed\": 5}");
        assertEquals(200, made.status(), made.body()::toString);
        String id = made.body().path("id").asText();
        completed(alice, id);

        for (Http other : new Http[]{bob, defaultProject}) {
            assertEquals(404, other.json("GET", "/v1/videos/" + id, null).status(), "retrieve");
            assertEquals(404, get(other, "/v1/videos/" + id + "/content"), "content");
            assertEquals(404, get(other, "/v1/videos/" + id + "/content?variant=thumbnail"), "thumbnail");
            assertEquals(404, get(other, "/v1/videos/" + id + "/events"), "events");
            assertEquals(404, other.json("POST", "/v1/videos/" + id + "/remix", "{\"prompt\": \"a star\"}").status(), "remix");
            assertEquals(404, other.json("POST", "/v1/videos/extensions",
                    "{\"prompt\": \"go on\", \"video\": {\"id\": \"" + id + "\"}}").status(), "extension");
            assertEquals(404, other.json("POST", "/v1/videos/edits",
                    "{\"prompt\": \"make the background green\", \"video\": {\"id\": \"" + id + "\"}}").status(), "edit");
            assertEquals(404, other.json("POST", "/v1/videos/" + id + "/cancel", null).status(), "cancel");
            assertEquals(404, other.json("DELETE", "/v1/videos/" + id, null).status(), "delete");
            Http.Reply list = other.json("GET", "/v1/videos?limit=100", null);
            assertEquals(200, list.status());
            assertFalse(list.body().path("data").toString().contains(id), "list");
            assertEquals(400, other.json("GET", "/v1/videos?after=" + id, null).status(), "a cursor from another project");
        }

        JsonNode own = alice.json("GET", "/v1/videos/" + id, null).body();
        assertEquals("completed", own.path("status").asText(), "bob's delete left alice's video alone: " + own);
        assertEquals(200, get(alice, "/v1/videos/" + id + "/content"));
        assertTrue(alice.json("GET", "/v1/videos?limit=100", null).body().path("data").toString().contains(id));
        Http.Reply remix = alice.json("POST", "/v1/videos/" + id + "/remix", "{\"prompt\": \"a yellow star moving left on a blue background\"}");
        assertEquals(200, remix.status(), remix.body()::toString);
        String remixId = remix.body().path("id").asText();
        assertEquals(404, bob.json("GET", "/v1/videos/" + remixId, null).status(), "a remix belongs to its source's project");
        assertEquals(200, alice.json("DELETE", "/v1/videos/" + remixId, null).status());
    }

    private static int get(Http as, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(as.base() + path)).header("Authorization", "Bearer " + as.key()).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void completed(Http as, String id) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode v = as.json("GET", "/v1/videos/" + id, null).body();
            String status = v.path("status").asText();
            if (status.equals("completed")) {
                return;
            }
            assertFalse(status.equals("failed"), v::toString);
            Thread.sleep(200);
        }
        throw new AssertionError("video " + id + " did not complete");
    }
}
