package dev.strom.serve;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pictures larger than Strom decodes (8192 a side, 40 megapixels) are refused from their headers, before anything
 * decodes them; pictures that do not decode are refused when the request comes in, by the decoder the job uses.
 */
class PictureLimitsTest {

    @Test
    void aPngDecompressionBombAsInputReferenceIsRefusedFromItsHeader() throws Exception {
        byte[] bomb = PictureBombs.png(16000, 16000);
        assertTrue(bomb.length < 1 << 20, "the bomb is small: " + bomb.length + " bytes");
        Http.Reply reply = http().multipart("/v1/videos", "prompt", null, "a cat", "input_reference", "bomb.png", bomb);
        assertEquals(400, reply.status(), reply.body().toString());
        assertEquals("input_reference", reply.body().path("error").path("param").asText());
        String message = reply.body().path("error").path("message").asText();
        assertTrue(message.contains("16000x16000") && message.contains("8192"), message);
    }

    @Test
    void aGifWhoseScreenIsHugeIsRefusedAsAStillAndAsAClip() throws Exception {
        byte[] gif = PictureBombs.gifScreen(65535, 65535);
        Http.Reply still = http().multipart("/v1/videos", "prompt", null, "a cat", "input_reference", "screen.gif", gif);
        assertEquals(400, still.status(), still.body().toString());
        assertTrue(still.body().path("error").path("message").asText().contains("65535x65535"), still.body().toString());

        Http.Reply clip = http().multipart("/v1/videos/extensions", "prompt", null, "go on", "video", "screen.gif", gif);
        assertEquals(400, clip.status(), clip.body().toString());
        assertEquals("video", clip.body().path("error").path("param").asText());
        assertTrue(clip.body().path("error").path("message").asText().contains("65535x65535"), clip.body().toString());

        Http.Reply scored = http().multipart("/v1/scores", "file", "screen.gif", gif);
        assertEquals(400, scored.status(), scored.body().toString());
        assertTrue(scored.body().path("error").path("message").asText().contains("65535x65535"), scored.body().toString());
    }

    @Test
    void aCorruptGifIsRefusedWhenTheRequestComesIn() throws Exception {
        byte[] gif = PictureBombs.corruptGif();
        Http.Reply still = http().multipart("/v1/videos", "prompt", null, "a cat", "input_reference", "broken.gif", gif);
        assertEquals(400, still.status(), still.body().toString());
        assertEquals("input_reference", still.body().path("error").path("param").asText());

        Http.Reply clip = http().multipart("/v1/videos/edits", "prompt", null, "bluer", "video", "broken.gif", gif);
        assertEquals(400, clip.status(), clip.body().toString());
        assertEquals("video", clip.body().path("error").path("param").asText());
    }

    @Test
    void anOrdinaryPngStillIsAccepted() throws Exception {
        Http.Reply reply = http().multipart("/v1/videos", "prompt", null, "a cat", "input_reference", "black.png",
                PictureBombs.png(301, 203));
        assertEquals(200, reply.status(), reply.body().toString());
        assertEquals(200, http().json("DELETE", "/v1/videos/" + reply.body().path("id").asText(), null).status());
    }

    private static Http http() throws Exception {
        return new Http(TestServer.baseUrl());
    }
}
