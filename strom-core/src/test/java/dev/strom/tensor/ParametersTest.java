package dev.strom.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.Arrays;

/** Named parameters: seeded per name, checked against loaded tensors, copied out and in by value. */
class ParametersTest {

    @Test
    void initialValuesDependOnSeedAndNameButNotOnDeclarationOrder() {
        try (NDManager m = NDManager.newBaseManager();
             Parameters a = Parameters.initialised(m, 5);
             Parameters b = Parameters.initialised(m, 5);
             Parameters c = Parameters.initialised(m, 6)) {
            a.declare("first", new long[]{4, 3}, new Init.Normal(1f));
            a.declare("second", new long[]{7}, new Init.Uniform(3));
            b.declare("second", new long[]{7}, new Init.Uniform(3));
            b.declare("first", new long[]{4, 3}, new Init.Normal(1f));
            c.declare("first", new long[]{4, 3}, new Init.Normal(1f));
            assertArrayEquals(a.get("first").toFloatArray(), b.get("first").toFloatArray());
            assertArrayEquals(a.get("second").toFloatArray(), b.get("second").toFloatArray());
            assertTrue(!Arrays.equals(a.get("first").toFloatArray(), c.get("first").toFloatArray()));
            assertEquals(List.of("first", "second"), List.copyOf(a.names()), "declaration order is kept");
            assertEquals(19, a.count());
        }
    }

    @Test
    void declaringTwiceIsAProgrammingError() {
        try (NDManager m = NDManager.newBaseManager(); Parameters p = Parameters.initialised(m, 1)) {
            p.declare("w", new long[]{2}, Init.ZEROS);
            assertThrows(IllegalStateException.class, () -> p.declare("w", new long[]{2}, Init.ZEROS));
        }
    }

    @Test
    void loadedParametersTakeTheTensorsValues() {
        try (NDManager m = NDManager.newBaseManager();
             Parameters p = Parameters.loaded(m, Map.of("w", new TensorData(new long[]{2, 2}, new float[]{1, 2, 3, 4}),
                     "unused_buffer", new TensorData(new long[]{1}, new float[]{0})), Set.of("unused_buffer"))) {
            NDArray w = p.declare("w", new long[]{2, 2}, Init.ZEROS);
            assertArrayEquals(new float[]{1, 2, 3, 4}, w.toFloatArray());
            p.requireAllUsed();
            var e = assertThrows(IllegalArgumentException.class, () -> p.declare("v", new long[]{3}, Init.ZEROS));
            assertTrue(e.getMessage().contains("'v'") && e.getMessage().contains("[3]"), e.getMessage());
        }
    }

    @Test
    void unusedLoadedTensorsAreListed() {
        try (NDManager m = NDManager.newBaseManager();
             Parameters p = Parameters.loaded(m, Map.of("w", new TensorData(new long[]{1}, new float[]{1}),
                     "stray", new TensorData(new long[]{1}, new float[]{0})), Set.of())) {
            p.declare("w", new long[]{1}, Init.ZEROS);
            var e = assertThrows(IllegalArgumentException.class, p::requireAllUsed);
            assertTrue(e.getMessage().contains("[stray]"), e.getMessage());
        }
    }

    @Test
    void snapshotIsACopy() {
        try (NDManager m = NDManager.newBaseManager(); Parameters p = Parameters.initialised(m, 2)) {
            NDArray w = p.declare("w", new long[]{3}, new Init.Normal(1f));
            Map<String, TensorData> snap = p.snapshot();
            float[] before = w.toFloatArray();
            snap.get("w").values()[0] = 42f;
            assertArrayEquals(before, w.toFloatArray(), "editing a snapshot does not touch the parameter");
        }
    }

    @Test
    void initialisersFollowPyTorchDefaults() {
        Random rng = new Random(0);
        float[] u = new Init.Uniform(16).fill(10_000, rng);
        double max = 0;
        double mean = 0;
        for (float f : u) {
            max = Math.max(max, Math.abs(f));
            mean += f / u.length;
        }
        assertTrue(max <= 0.25 && max > 0.24, "U(-1/sqrt(16), 1/sqrt(16)), max |v| " + max);
        assertEquals(0, mean, 0.01);
        float[] n = new Init.Normal(0.5f).fill(10_000, rng);
        double var = 0;
        for (float f : n) {
            var += (double) f * f / n.length;
        }
        assertEquals(0.25, var, 0.02);
        assertArrayEquals(new float[]{1, 1, 1}, Init.ONES.fill(3, rng));
        assertArrayEquals(new float[]{0, 0}, Init.ZEROS.fill(2, rng));
    }
}
