package dev.strom.serve;

import dev.strom.pipeline.Delivery;
import dev.strom.pipeline.Mode;
import dev.strom.pipeline.VideoPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoJobTest {

    /** The message becomes the video's error in the API, so it must not show where the server keeps its files. */
    @Test
    void aSourceDeletedBeforeTheJobRunsFailsWithoutTheServersPath(@TempDir Path data) throws Exception {
        try (VideoPipeline pipeline = VideoPipeline.open(TestServer.modelDir())) {
            VideoFiles files = new VideoFiles(data, Delivery.withoutProvenance(pipeline.name()));
            for (Mode mode : List.of(Mode.REMIX, Mode.EDIT, Mode.EXTEND, Mode.IMAGE)) {
                VideoRecord video = new VideoRecord(VideoId.random(), ApiKeys.DEFAULT_PROJECT, 0, null, VideoStatus.IN_PROGRESS, 0, pipeline.apiId(),
                        "a blue ball", 1, 3f, 16, 8, 8, 32, mode, "video_00000000000000000000000000000001", null, null, null,
                        List.of(), null, null, null, null);
                IOException e = assertThrows(IOException.class, () -> VideoJob.request(video, files, pipeline));
                assertTrue(e.getMessage().contains("no longer there"), e.getMessage());
                assertFalse(e.getMessage().contains(data.toString()), e.getMessage());
            }
        }
    }
}
