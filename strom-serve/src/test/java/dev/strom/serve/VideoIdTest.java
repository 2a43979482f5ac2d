package dev.strom.serve;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VideoIdTest {

    @Test
    void anIdSurvivesTextAndBackAndNamesTheJobsUuid() {
        VideoId id = VideoId.random();
        assertEquals(id, VideoId.parse(id.toString()));
        assertEquals(id.uuid().toString().replace("-", ""), id.toString().substring("video_".length()));
    }

    @Test
    void anythingElseIsNotFoundBeforeItTouchesAPath() {
        for (String bad : new String[]{"../../etc/passwd", "video_../x", "video_0123", "VIDEO_00000000000000000000000000000000",
                "video_00000000000000000000000000000000/..", "", "video_0000000000000000000000000000000G"}) {
            assertEquals(404, assertThrows(ApiError.class, () -> VideoId.parse(bad)).status(), bad);
        }
    }
}
