package dev.strom.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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

    @Test
    void anUploadLimitBeyondOneGibibyteIsRefusedWithOneLine() {
        for (String mb : new String[]{"2048", "4096", "0"}) {
            Cli r = Cli.run("serve", "--port", "0", "--max-upload-mb", mb);
            assertEquals(2, r.exit(), r.err());
            assertEquals(1, r.errorLines().lines().count(), r.err());
            assertTrue(r.errorLines().contains("--max-upload-mb must be between 1 and 1024"), r.err());
        }
    }

    @Test
    void theServerListensOnLoopbackUnlessToldOtherwise() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs();
        assertEquals("127.0.0.1", serve.host);
        new CommandLine(serve).parseArgs("--host", "0.0.0.0");
        assertEquals("0.0.0.0", serve.host);
    }
}
