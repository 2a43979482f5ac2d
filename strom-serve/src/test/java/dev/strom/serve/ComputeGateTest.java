package dev.strom.serve;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scoring and classification get the queue's limits: so many run, so many wait, the next is 429 with Retry-After. */
class ComputeGateTest {

    @Test
    void oneRunsOneWaitsAndTheThirdIsRefusedAtOnceUntilTheyFinish() throws Exception {
        ComputeGate gate = new ComputeGate(1, 1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = pool.submit(() -> gate.run(() -> {
                running.countDown();
                await(release);
                return "first";
            }));
            assertTrue(running.await(30, TimeUnit.SECONDS));
            Future<String> second = pool.submit(() -> gate.run(() -> "second"));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (gate.inFlight() < 2 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(2, gate.inFlight(), "the second waits for its turn");
            ApiError refused = assertThrows(ApiError.class, () -> gate.run(() -> "third"));
            assertEquals(429, refused.status());
            assertEquals("rate_limit_exceeded", refused.code());
            assertTrue(refused.retryAfter() > 0);
            assertTrue(!second.isDone(), "the second waits for its turn");

            release.countDown();
            assertEquals("first", first.get(30, TimeUnit.SECONDS));
            assertEquals("second", second.get(30, TimeUnit.SECONDS));
            assertEquals("again", gate.run(() -> "again"), "room again once they are done");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aGateNeedsARunningSlot() {
        assertThrows(IllegalArgumentException.class, () -> new ComputeGate(0, 4));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
