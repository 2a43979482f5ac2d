package dev.strom.serve;

import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;
import dev.strom.video.TextToVideo;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

import java.util.concurrent.CancellationException;

/**
 * The durable job behind a video: JobRunr stores only the video id and runs this on a worker. Generation
 * is deterministic given the stored seed, so a job re-run after a crash makes the same clip. Bad outcomes
 * end as a failed video with a reason rather than as a retried job.
 */
public final class VideoJob implements JobRequestHandler<VideoJob.Request> {

    /** What the queue stores: the video's id (as text, so the queue's JSON stays plain). */
    public record Request(String videoId) implements JobRequest {
        @Override
        public Class<VideoJob> getJobRequestHandler() {
            return VideoJob.class;
        }
    }

    private static final double WRITING_SHARE = 0.1;
    /** Upscale of the frames streamed while a video is made (the studio shows them as they come). */
    static final int LIVE_FRAME_SCALE = 4;

    private final JobStore store;
    private final VideoFiles files;
    private final VideoMaker maker;
    private final String worker;

    public VideoJob(JobStore store, VideoFiles files, VideoMaker maker, String worker) {
        this.store = store;
        this.files = files;
        this.maker = maker;
        this.worker = worker;
    }

    @Override
    public void run(Request request) throws Exception {
        VideoId id = VideoId.parse(request.videoId());
        VideoRecord video = store.find(id).orElse(null);
        if (video == null || !video.status().active() || !store.start(id, worker)) {
            return;
        }
        int[] last = {0};
        try {
            int size = maker.spec().size();
            TextToVideo.FrameSink live = (first, count, frames, draft) -> {
                Clip part = Clip.fromModelLayout(frames, count, size, size, video.fps());
                for (int t = 0; t < count; t++) {
                    try {
                        files.writeLiveFrame(id, first + t, ClipWriter.frame(part, t, LIVE_FRAME_SCALE));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            };
            Clip clip = maker.make(video, files.reference(video), fraction -> {
                int percent = (int) (fraction * (1 - WRITING_SHARE) * 100);
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
                if (percent != last[0]) {
                    last[0] = percent;
                    return store.progress(id, percent);
                }
                return true;
            }, live);
            store.progress(id, (int) ((1 - WRITING_SHARE) * 100));
            files.write(id, clip, video.scale(), video.prompt());
            double bitsPerDim = maker.bitsPerDim(clip, null);
            if (!store.complete(id, bitsPerDim)) {
                files.delete(id);
            }
        } catch (CancellationException e) {
            if (store.find(id).isEmpty()) {
                files.delete(id);
            }
        } catch (java.io.UncheckedIOException e) {
            store.fail(id, "generation_failed", "generation failed: " + e.getCause().getMessage());
        } catch (RuntimeException | java.io.IOException e) {
            store.fail(id, "generation_failed", "generation failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
