package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every file generate writes carries provenance unless switched off, and verify says which. */
class VerifyCommandTest {

    private static final String PROMPT = "a red apple moving left on a blue background";

    @TempDir
    Path dir;

    @Test
    void aGeneratedVideoAndItsSheetVerify() throws Exception {
        Path mp4 = dir.resolve("apple.mp4");
        Path sheet = dir.resolve("apple.png");
        Cli g = Cli.run("generate", PROMPT, "-o", mp4.toString(), "--sheet", sheet.toString());
        assertEquals(0, g.exit(), g.err());

        Cli v = Cli.run("verify", mp4.toString());
        assertEquals(0, v.exit(), v.out() + v.err());
        assertTrue(v.out().contains("manifest present, valid"), v.out());
        assertTrue(v.out().contains("self-signed"), v.out());
        assertTrue(v.out().contains("watermark:   detected"), v.out());
        assertTrue(v.out().contains("(world-32)"), "the payload names the bundled model: " + v.out());

        Cli json = Cli.run("verify", "--json", mp4.toString());
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertTrue(report.path("manifest").path("valid").asBoolean(), json.out());
        assertTrue(report.path("watermark").path("detected").asBoolean(), json.out());
        assertTrue(report.path("provenance").asBoolean(), json.out());
        assertEquals("verified", report.path("verdict").asText(), json.out());
        assertTrue(v.out().contains("verdict:     verified: a valid manifest, and the watermark agrees"), v.out());

        Cli s = Cli.run("verify", sheet.toString());
        assertEquals(0, s.exit(), s.out());
        assertTrue(s.out().contains("manifest present, valid"), s.out());
    }

    @Test
    void noProvenanceIsAnExplicitLoggedChoiceAndVerifiesAsNone() {
        Path mp4 = dir.resolve("plain.mp4");
        Cli g = Cli.run("generate", PROMPT, "-o", mp4.toString(), "--no-provenance");
        assertEquals(0, g.exit(), g.err());
        assertTrue(g.errorLines().contains("provenance off (--no-provenance)"), g.err());

        Cli v = Cli.run("verify", mp4.toString());
        assertEquals(1, v.exit(), v.out());
        assertTrue(v.out().contains("no manifest"), v.out());
        assertTrue(v.out().contains("watermark:   none"), v.out());
        assertTrue(v.out().contains("verdict:     none: "), v.out());
    }

    @Test
    void aTruncatedOrByteFlippedSignedVideoIsReportedInvalidWithExitCode1AndNoStackTrace() throws Exception {
        Path mp4 = dir.resolve("apple.mp4");
        assertEquals(0, Cli.run("generate", PROMPT, "-o", mp4.toString()).exit());
        byte[] whole = Files.readAllBytes(mp4);
        byte[] flipped = whole.clone();
        flipped[whole.length * 3 / 4] ^= 0x01;
        Path cut = Files.write(dir.resolve("cut.mp4"), Arrays.copyOf(whole, whole.length / 2));
        Path flip = Files.write(dir.resolve("flipped.mp4"), flipped);
        for (Path damaged : new Path[]{cut, flip}) {
            Cli v = Cli.run("verify", damaged.toString());
            assertEquals(VerifyCommand.NOT_VERIFIED, v.exit(), v.out() + v.err());
            assertTrue(v.out().contains("C2PA:        manifest present, INVALID"), v.out());
            assertTrue(v.out().contains("problem:     the file's bytes"), "the reason: " + v.out());
            assertTrue(v.out().contains("watermark:   "), "the watermark is reported too: " + v.out());
            assertTrue(v.out().contains("verdict:     invalid: "), v.out());
            assertEquals("", v.err(), "no error, no stack trace");

            JsonNode report = new ObjectMapper().readTree(Cli.run("verify", "--json", damaged.toString()).out());
            assertEquals("invalid", report.path("verdict").asText(), report.toString());
            assertFalse(report.path("provenance").asBoolean(), report.toString());
        }
    }

    @Test
    void aMissingFileIsAnError() {
        Cli v = Cli.run("verify", dir.resolve("missing.mp4").toString());
        assertEquals(2, v.exit());
        assertTrue(v.errorLines().startsWith("strom: error: no such file"), v.err());
        assertFalse(v.out().contains("provenance"));
    }
}
