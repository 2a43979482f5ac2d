package dev.strom.serve;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the model work a request does in its own thread (scoring, classification) as the queue bounds videos: at
 * most {@code running} at once, at most {@code waiting} more waiting for a turn; beyond that, 429 with Retry-After
 * at once, so such requests can neither pile up without end nor hold every request thread.
 */
final class ComputeGate {

    /** Work done under the gate. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws IOException;
    }

    private static final int RETRY_AFTER_SECONDS = 5;

    private final Semaphore turns;
    private final int admittable;
    private final AtomicInteger admitted = new AtomicInteger();

    ComputeGate(int running, int waiting) {
        if (running < 1 || waiting < 0) {
            throw new IllegalArgumentException("a gate needs at least one running slot and no negative wait");
        }
        this.turns = new Semaphore(running, true);
        this.admittable = running + waiting;
    }

    /** How many requests the gate holds at most, running and waiting. */
    int admittable() {
        return admittable;
    }

    /** Requests running or waiting now. */
    int inFlight() {
        return admitted.get();
    }

    <T> T run(Work<T> work) throws IOException {
        if (admitted.incrementAndGet() > admittable) {
            admitted.decrementAndGet();
            throw ApiError.busy("Too many scorings and classifications at once (" + admittable
                    + " running or waiting); retry later.", RETRY_AFTER_SECONDS);
        }
        try {
            turns.acquire();
            try {
                return work.run();
            } finally {
                turns.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.serverError();
        } finally {
            admitted.decrementAndGet();
        }
    }
}
