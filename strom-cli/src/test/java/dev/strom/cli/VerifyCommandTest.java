package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

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
    }

    @Test
    void aMissingFileIsAnError() {
        Cli v = Cli.run("verify", dir.resolve("missing.mp4").toString());
        assertEquals(2, v.exit());
        assertTrue(v.errorLines().startsWith("strom: error: no such file"), v.err());
        assertFalse(v.out().contains("provenance"));
    }
}
