package dev.strom.serve;

import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.storage.JobNotFoundException;
import org.jobrunr.storage.StorageProvider;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Locale;

/**
 * Videos in and out of the durable queue: a bounded number may wait or run at once (beyond it, 429),
 * and each video's job carries the video's own UUID, so cancel and delete find it without a lookup.
 */
public final class VideoQueue {

    private final JobStore store;
    private final VideoFiles files;
    private final JobRequestScheduler scheduler;
    private final StorageProvider jobs;
    private final int limit;

    public VideoQueue(JobStore store, VideoFiles files, JobRequestScheduler scheduler, StorageProvider jobs, int limit) {
        this.store = store;
        this.files = files;
        this.scheduler = scheduler;
        this.jobs = jobs;
        this.limit = limit;
    }

    public synchronized void submit(VideoRecord video) {
        if (store.countActive() >= limit) {
            throw ApiError.queueFull(limit);
        }
        store.insert(video);
        scheduler.enqueue(video.id().uuid(), new VideoJob.Request(video.id().toString()));
    }

    /** Stops a queued or running video; it ends as failed with code "cancelled". */
    public void cancel(VideoId id) {
        VideoRecord v = store.find(id).orElseThrow(() -> ApiError.notFound(id.toString()));
        if (!v.status().active()) {
            throw ApiError.invalid(null, "Video " + id + " has already " + v.status().wire() + "; only queued or in-progress videos can be cancelled.");
        }
        store.fail(id, "cancelled", "cancelled on request");
        stopJob(id);
    }

    public void delete(VideoId id) throws IOException {
        if (!store.delete(id)) {
            throw ApiError.notFound(id.toString());
        }
        stopJob(id);
        files.delete(id);
    }

    /**
     * After a restart: a video whose job the engine still holds (waiting, or orphaned by a dead worker and
     * about to be re-run) is left to it; one whose job is gone or failed for good is marked failed, with why.
     */
    public int recover() {
        int failed = 0;
        for (VideoRecord v : store.active()) {
            StateName state;
            try {
                Job job = jobs.getJobById(v.id().uuid());
                state = job.getState();
            } catch (JobNotFoundException e) {
                state = null;
            }
            if (state == null || EnumSet.of(StateName.FAILED, StateName.DELETED, StateName.SUCCEEDED).contains(state)) {
                failed += store.fail(v.id(), "job_lost", "the server stopped and this video's job could not be resumed (job "
                        + (state == null ? "missing" : state.name().toLowerCase(Locale.ROOT)) + ")") ? 1 : 0;
                try {
                    files.deleteLive(v.id());
                } catch (IOException e) {
                    // drafts of a lost video are only untidy; the video is already marked failed
                }
            }
        }
        return failed;
    }

    private void stopJob(VideoId id) {
        try {
            scheduler.delete(id.uuid(), "video cancelled or deleted");
        } catch (JobNotFoundException e) {
            // never enqueued or already cleaned up: nothing to stop
        }
    }
}
