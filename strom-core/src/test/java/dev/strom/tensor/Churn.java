package dev.strom.tensor;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Frees the direct buffers nothing reaches any more and fills freshly allocated ones with 0x7f bytes, so a tensor
 * that still points into a freed buffer reads other values than its own. Without the copies in {@link Tensors} and
 * the engine-owned constants of {@link Scalar}, the tests beside this fail in most rounds (docs/experiments.md,
 * session 35).
 */
final class Churn {

    private Churn() {
    }

    static void run() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20); // the cleaner thread frees the collected buffers
            List<ByteBuffer> filled = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 8) * 4);
                while (b.hasRemaining()) {
                    b.put((byte) 0x7f);
                }
                filled.add(b);
            }
        }
    }
}
