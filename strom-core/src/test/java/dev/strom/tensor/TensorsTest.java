package dev.strom.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Tensors made from Java values live in engine memory: nothing they hand out depends on Java's buffers. */
class TensorsTest {

    @Test
    void aViewOfATensorMadeFromJavaValuesKeepsThemAfterTheTensorIsClosedAndTheCollectorHasRun() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int round = 0; round < 3; round++) {
                float[] values = new float[4096];
                for (int i = 0; i < values.length; i++) {
                    values[i] = i;
                }
                NDArray tensor = Tensors.of(m, values, new Shape(64, 64));
                NDArray view = tensor.reshape(4096);
                tensor.close();
                Churn.run();
                assertArrayEquals(values, view.toFloatArray(), "round " + round);
            }
        }
    }

    @Test
    void tokenIdsAndWideSumsKeepTheirTypesAndValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ids = Tensors.of(m, new long[]{3, 1, 4, 1, 5, 9}, new Shape(2, 3));
            assertEquals(DataType.INT64, ids.getDataType());
            assertArrayEquals(new long[]{3, 1, 4, 1, 5, 9}, ids.toLongArray());
            NDArray sums = Tensors.of(m, new double[]{1e-9, 1 + 1e-9}, new Shape(2));
            assertEquals(DataType.FLOAT64, sums.getDataType());
            assertArrayEquals(new double[]{1e-9, 1 + 1e-9}, sums.toDoubleArray());
            assertEquals(2.5f, Tensors.scalar(m, 2.5f).getFloat());
            assertEquals(new Shape(3), Tensors.of(m, new float[]{1, 2, 3}).getShape());
        }
    }
}
