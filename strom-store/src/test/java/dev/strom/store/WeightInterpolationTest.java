package dev.strom.store;

import dev.strom.tensor.TensorData;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightInterpolationTest {

    private static TensorData t(float... v) {
        return new TensorData(new long[]{v.length}, v);
    }

    private static Map<String, TensorData> of(Object... kv) {
        Map<String, TensorData> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (TensorData) kv[i + 1]);
        }
        return m;
    }

    @Test
    void everySharedTensorLiesTheWeightsShareOfTheWayFromTheBaseToTheFineTune() {
        Map<String, TensorData> out = WeightInterpolation.between(of("a", t(1, 10)), of("a", t(3, 0)), 0.25);
        assertArrayEquals(new float[]{2.5f, 2.5f}, out.get("a").values(), 1e-6f);
    }

    @Test
    void weightOneIsTheFineTuneAndWeightZeroItsBase() {
        Map<String, TensorData> tuned = of("a", t(1, -2, 5));
        Map<String, TensorData> base = of("a", t(7, 8, 9));
        assertArrayEquals(tuned.get("a").values(), WeightInterpolation.between(tuned, base, 1).get("a").values());
        assertArrayEquals(base.get("a").values(), WeightInterpolation.between(tuned, base, 0).get("a").values());
    }

    @Test
    void aTensorTheFineTuneAddedIsKeptAsTrained() {
        TensorData added = t(4, 4);
        Map<String, TensorData> out = WeightInterpolation.between(of("a", t(0), "edit_segment", added), of("a", t(2)), 0.5);
        assertSame(added, out.get("edit_segment"));
        assertEquals(1f, out.get("a").values()[0]);
        assertEquals(2, out.size());
    }

    @Test
    void twoModelsThatAreNotAFineTuneAndItsBaseAreRefused() {
        IllegalArgumentException lacks = assertThrows(IllegalArgumentException.class,
                () -> WeightInterpolation.between(of("a", t(1)), of("a", t(1), "b", t(2)), 0.5));
        assertTrue(lacks.getMessage().contains("b"), lacks.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> WeightInterpolation.between(of("a", t(1, 2)), of("a", t(1)), 0.5));
        assertTrue(shape.getMessage().contains("[2]") && shape.getMessage().contains("[1]"), shape.getMessage());
    }

    @Test
    void aWeightOutsideZeroToOneIsRefused() {
        for (double w : new double[]{-0.1, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> WeightInterpolation.between(of("a", t(1)), of("a", t(1)), w));
        }
    }
}
