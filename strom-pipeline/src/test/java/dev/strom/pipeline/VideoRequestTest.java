package dev.strom.pipeline;

import dev.strom.data.Clip;
import dev.strom.video.Generation;
import dev.strom.video.Sampling;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user asks for, and what that asks of the engine. */
class VideoRequestTest {

    private static final Clip FOUR_FRAMES = new Clip(4, 2, 2, 8, new byte[4 * 2 * 2 * 3]);
    private static final Clip STILL = new Clip(1, 2, 2, 8, new byte[2 * 2 * 3]);

    @Test
    void everyModeRunsOneEngineModeAndReadsItsSourceOneWay() {
        assertEquals(Generation.Mode.CONTINUE, Mode.TEXT.engine());
        assertEquals(Generation.Mode.CONTINUE, Mode.IMAGE.engine());
        assertEquals(Generation.Mode.CONTINUE, Mode.EXTEND.engine());
        assertEquals(Generation.Mode.EDIT, Mode.EDIT.engine());
        assertEquals(Generation.Mode.REMIX, Mode.REMIX.engine());
        assertEquals(Mode.Source.NONE, Mode.TEXT.source());
        assertEquals(Mode.Source.STILL, Mode.IMAGE.source());
        for (Mode m : new Mode[]{Mode.EXTEND, Mode.EDIT, Mode.REMIX}) {
            assertEquals(Mode.Source.CLIP, m.source(), m.name());
        }
    }

    @Test
    void aModeWithASourceNeedsOneAndTextToVideoTakesNone() {
        assertThrows(IllegalArgumentException.class, () -> request(Mode.IMAGE, 16, null, null));
        assertThrows(IllegalArgumentException.class, () -> request(Mode.EDIT, 0, null, null));
        assertThrows(IllegalArgumentException.class, () -> request(Mode.TEXT, 16, STILL, null));
        assertThrows(IllegalArgumentException.class, () -> request(Mode.TEXT, 0, null, null), "no frames");
        assertThrows(IllegalArgumentException.class, () -> request(Mode.EDIT, 0, FOUR_FRAMES, "a caption"),
                "only a remix reads its source under a caption");
        assertThrows(IllegalArgumentException.class, () -> new VideoRequest(Mode.TEXT, " ", 1, 16, Sampling.FALLBACK, null, null));
    }

    @Test
    void noRequestAsksForMoreThanTheLongestVideoWhateverItsMode() {
        assertEquals(VideoRequest.MAX_FRAMES, request(Mode.TEXT, VideoRequest.MAX_FRAMES, null, null).frames());
        for (int frames : new int[]{VideoRequest.MAX_FRAMES + 1, 100_000, Integer.MAX_VALUE}) {
            var e = assertThrows(IllegalArgumentException.class, () -> request(Mode.TEXT, frames, null, null));
            assertEquals("frames must be between 1 and 256, got " + frames, e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> request(Mode.EXTEND, frames, FOUR_FRAMES, null));
        }
        Clip tooLong = new Clip(VideoRequest.MAX_FRAMES + 1, 2, 2, 8, new byte[(VideoRequest.MAX_FRAMES + 1) * 2 * 2 * 3]);
        var e = assertThrows(IllegalArgumentException.class, () -> request(Mode.REMIX, 0, tooLong, null));
        assertEquals("remix takes a source of at most 256 frames at the model's fps, got 257", e.getMessage());
    }

    @Test
    void editsAndRemixesAreAsLongAsTheirSourceAndARemixWithoutCaptionReadsItUnderNone() {
        assertEquals(4, request(Mode.EDIT, 99, FOUR_FRAMES, null).frames());
        VideoRequest remix = request(Mode.REMIX, 99, FOUR_FRAMES, null);
        assertEquals(4, remix.frames());
        assertEquals("", remix.sourceCaption());
        assertEquals(20, request(Mode.EXTEND, 20, FOUR_FRAMES, null).frames(), "an extension says how long it ends up");
    }

    @Test
    void theEngineGetsTheSourceInModelLayoutAndItsOwnMode() {
        Generation g = request(Mode.IMAGE, 16, STILL, null).generation();
        assertEquals(Generation.Mode.CONTINUE, g.mode());
        assertEquals(16, g.frames());
        assertArrayEquals(STILL.toModelLayout(), g.source());
        Generation edit = request(Mode.EDIT, 0, FOUR_FRAMES, null).generation();
        assertEquals(Generation.Mode.EDIT, edit.mode());
        assertNull(request(Mode.TEXT, 16, null, null).generation().source());
    }

    @Test
    void theSettingsLineChangesWithWhateverDecidesTheClipAndOnlyWithThat() {
        VideoRequest a = request(Mode.EXTEND, 20, FOUR_FRAMES, null);
        assertEquals(a.settings(), request(Mode.EXTEND, 20, FOUR_FRAMES, null).settings(), "same request, same line");
        assertNotEquals(a.settings(), new VideoRequest(Mode.EXTEND, "a prompt", 2, 20, Sampling.FALLBACK, FOUR_FRAMES, null).settings());
        assertNotEquals(a.settings(), new VideoRequest(Mode.EXTEND, "a prompt", 1, 20, Sampling.FALLBACK.withGuidance(5f),
                FOUR_FRAMES, null).settings());
        byte[] other = new byte[FOUR_FRAMES.rgb().length];
        other[0] = 1;
        assertNotEquals(a.settings(), request(Mode.EXTEND, 20, new Clip(4, 2, 2, 8, other), null).settings(),
                "another source, another clip");
        assertTrue(request(Mode.REMIX, 0, FOUR_FRAMES, "a red apple").settings().endsWith("|from a red apple"));
    }

    private static VideoRequest request(Mode mode, int frames, Clip source, String caption) {
        return new VideoRequest(mode, "a prompt", 1, frames, Sampling.FALLBACK, source, caption);
    }
}
