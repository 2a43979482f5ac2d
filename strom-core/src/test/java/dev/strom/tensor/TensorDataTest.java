package dev.strom.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A heap tensor's shape must fit its values; impossible shapes fail with a message that names them. */
class TensorDataTest {

    @Test
    void tensorDataChecksItsShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TensorData(new long[]{2, 3}, new float[5]));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TensorData(new long[]{-2, -3}, new float[6]));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        assertEquals(1, new TensorData(new long[]{}, new float[]{3f}).size(), "a 0-d scalar holds one value");
        e = assertThrows(IllegalArgumentException.class,
                () -> new TensorData(new long[]{1L << 32, 1L << 32}, new float[0]));
        assertTrue(e.getMessage().contains("too many elements"), e.getMessage());
        assertEquals(0, new TensorData(new long[]{1L << 40, 0}, new float[0]).size(), "a zero dimension empties any shape");
    }
}
