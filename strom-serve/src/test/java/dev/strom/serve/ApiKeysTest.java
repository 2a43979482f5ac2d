package dev.strom.serve;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ApiKeysTest {

    @Test
    void anyListedKeyIsAccepted() {
        ApiKeys keys = ApiKeys.parse("alpha, beta");
        assertDoesNotThrow(() -> keys.check("Bearer alpha"));
        assertDoesNotThrow(() -> keys.check("bearer beta"));
    }

    @Test
    void aMissingOrWrongKeyIs401() {
        ApiKeys keys = ApiKeys.parse("alpha");
        for (String header : new String[]{null, "", "alpha", "Basic alpha", "Bearer alph", "Bearer alpha2"}) {
            assertEquals(401, assertThrows(ApiError.class, () -> keys.check(header)).status(), String.valueOf(header));
        }
    }

    @Test
    void anEmptyListIsRefusedRatherThanLeavingTheApiOpen() {
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(null));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(" , "));
    }
}
