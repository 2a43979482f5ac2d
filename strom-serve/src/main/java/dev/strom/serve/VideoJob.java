package dev.strom.serve;

import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;
import dev.strom.pipeline.Mode;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.pipeline.VideoRequest;
import dev.strom.video.SampleListener;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
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

    private static final Logger LOG = LoggerFactory.getLogger(VideoJob.class);
    private static final double WRITING_SHARE = 0.1;
    /** Upscale of the frames streamed while a video is made (the studio shows them as they come). */
    static final int LIVE_FRAME_SCALE = 4;

    private final JobStore store;
    private final VideoFiles files;
    private final VideoPipeline pipeline;
    private final String worker;

    public VideoJob(JobStore store, VideoFiles files, VideoPipeline pipeline, String worker) {
        this.store = store;
        this.files = files;
        this.pipeline = pipeline;
        this.worker = worker;
    }

    @Override
    public void run(Request request) throws Exception {
        VideoId id = VideoId.parse(request.videoId());
        VideoRecord video = store.find(id).orElse(null);
        if (video == null || !video.status().active() || !store.start(id, worker)) {
            return;
        }
        try {
            VideoRequest asked = request(video, files, pipeline);
            Clip clip = pipeline.make(asked, listener(video));
            store.progress(id, (int) ((1 - WRITING_SHARE) * 100));
            files.write(id, clip, video.scale(), asked);
            if (!store.complete(id, pipeline.bitsPerDim(clip))) {
                files.delete(id);
            }
        } catch (CancellationException e) {
            if (store.find(id).isEmpty()) {
                files.delete(id);
            }
        } catch (SourceMissing e) {
            store.fail(id, "generation_failed", "generation failed: " + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            // a disk error's message names the server's paths: the client hears what kind of failure, the log the rest
            LOG.error("video {} failed writing or reading its files", id, e);
            ApiError said = ApiError.forFailure(e);
            store.fail(id, "generation_failed", "generation failed: " + (said.status() == 507
                    ? "the server's disk is full" : "the server could not read or write the video's files"));
        } catch (RuntimeException e) {
            LOG.error("video {} failed", id, e);
            store.fail(id, "generation_failed", "generation failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } finally {
            dropDrafts(id);
        }
    }

    /** The per-frame drafts are for watching a video being made: they go when it is done, failed or cancelled. */
    private void dropDrafts(VideoId id) {
        try {
            files.deleteLive(id);
        } catch (IOException e) {
            LOG.warn("could not delete the draft frames of {}", id, e);
        }
    }

    /** A video's source gone before its job ran: said to the client as it is (the message names no path). */
    static final class SourceMissing extends IOException {
        SourceMissing(String message) {
            super(message);
        }
    }

    /**
     * What a stored video asks the pipeline for: its prompt, seed and guidance at the model's other defaults, and
     * its source as it was read when the request came in.
     */
    static VideoRequest request(VideoRecord video, VideoFiles files, VideoPipeline pipeline) throws IOException {
        VideoFiles.Source source = video.mode() == Mode.TEXT ? null : files.source(video.id());
        if (video.mode() != Mode.TEXT && source == null) {
            // said without the server's path: the message reaches the client as the video's error
            throw new SourceMissing("the source of this " + video.mode().name().toLowerCase(Locale.ROOT)
                    + " is no longer there (deleted before the job ran?)");
        }
        return new VideoRequest(video.mode(), video.prompt(), video.seed(), video.frames(),
                pipeline.defaults().withGuidance(video.guidance()), source == null ? null : source.clip(),
                source == null ? null : source.caption());
    }

    /** Progress into the store (a cancelled video stops the run), frames into live PNGs the event stream sends. */
    private SampleListener listener(VideoRecord video) {
        int size = pipeline.spec().size();
        int[] last = {0};
        return SampleListener.of(fraction -> {
            int percent = (int) (fraction * (1 - WRITING_SHARE) * 100);
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("stopped");
            }
            if (percent != last[0]) {
                last[0] = percent;
                if (!store.progress(video.id(), percent)) {
                    throw new CancellationException("stopped");
                }
            }
        }, (first, count, frames, draft) -> {
            Clip part = Clip.fromModelLayout(frames, count, size, size, video.fps());
            for (int t = 0; t < count; t++) {
                try {
                    files.writeLiveFrame(video.id(), first + t, ClipWriter.frame(part, t, LIVE_FRAME_SCALE));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }
}
