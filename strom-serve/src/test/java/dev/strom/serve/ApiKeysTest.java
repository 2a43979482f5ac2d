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
    void eachKeyNamesItsProjectAndAPlainKeyTheDefaultOne() {
        ApiKeys keys = ApiKeys.parse("alice:KEY1, bob:KEY2, KEY3");
        assertEquals("alice", keys.check("Bearer KEY1"));
        assertEquals("bob", keys.check("Bearer KEY2"));
        assertEquals(ApiKeys.DEFAULT_PROJECT, keys.check("Bearer KEY3"));
        assertEquals(401, assertThrows(ApiError.class, () -> keys.check("Bearer alice:KEY1")).status(),
                "the project name is not part of the key");
    }

    @Test
    void aKeyListedTwiceOrABadProjectNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("alice:same,bob:same"));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("al ice:KEY1"));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("alice:"));
    }

    @Test
    void anEmptyListIsRefusedRatherThanLeavingTheApiOpen() {
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(null));
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(" , "));
    }
}
