package dev.strom.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** `strom serve` refuses to start open or misconfigured, with one line and exit code 2 (the server itself is tested in strom-serve). */
class ServeCommandTest {

    @Test
    void withoutApiKeysTheServerDoesNotStart() {
        assumeTrue(System.getenv("STROM_API_KEYS") == null, "STROM_API_KEYS is set in this environment");
        Cli r = Cli.run("serve", "--port", "0");
        assertEquals(2, r.exit());
        assertEquals(1, r.errorLines().lines().count(), r.err());
        assertTrue(r.errorLines().contains("STROM_API_KEYS"), r.err());
    }

    @Test
    void aPortThatIsNotANumberIsRefused() {
        Cli r = Cli.run("serve", "--port", "eighty");
        assertEquals(2, r.exit());
        assertTrue(r.errorLines().contains("--port"), r.err());
    }
}
