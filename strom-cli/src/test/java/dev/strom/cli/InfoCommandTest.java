package dev.strom.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** info describes a model only once its weights load: missing, truncated or corrupt weights are an error. */
class InfoCommandTest {

    private static final Path BUNDLED = ModelOption.bundled();

    @TempDir
    Path dir;

    /** A copy of the bundled model whose weights are the given bytes (none: no weights file at all). */
    private Path modelWith(byte[] weights) throws IOException {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.copy(BUNDLED.resolve("config.json"), model.resolve("config.json"));
        if (weights != null) {
            Files.write(model.resolve("weights.safetensors"), weights);
        }
        return model;
    }

    private static byte[] bundledWeights() throws IOException {
        return Files.readAllBytes(BUNDLED.resolve("weights.safetensors"));
    }

    private static void refused(Cli r, String mentions) {
        assertEquals(2, r.exit(), "exit code; stderr: " + r.err());
        String lines = r.errorLines().strip();
        assertEquals(1, lines.lines().count(), "exactly one error line: " + r.err());
        assertTrue(lines.contains(mentions), "the line should say '" + mentions + "': " + lines);
        assertFalse(r.out().contains("parameters:"), "nothing is described: " + r.out());
    }

    @Test
    void theBundledModelLoadsAndInfoSaysSo() {
        Cli r = Cli.run("info");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("weights:      weights.safetensors loads: "), r.out());
        assertTrue(r.out().contains("all finite"), r.out());
    }

    @Test
    void aModelWithoutWeightsIsAnError() throws IOException {
        refused(Cli.run("info", modelWith(null).toString()), "has no weights.safetensors");
    }

    @Test
    void truncatedWeightsAreAnError() throws IOException {
        byte[] all = bundledWeights();
        refused(Cli.run("info", modelWith(Arrays.copyOf(all, all.length / 2)).toString()), "weights.safetensors");
        Files.write(dir.resolve("model").resolve("weights.safetensors"), Arrays.copyOf(all, 5));
        refused(Cli.run("info", dir.resolve("model").toString()), "not a safetensors file");
    }

    @Test
    void weightsThatAreNotFiniteAreAnError() throws IOException {
        byte[] all = bundledWeights();
        long header = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        // the first value of the data section, whichever tensor it belongs to, becomes NaN
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putFloat((int) (8 + header), Float.NaN);
        refused(Cli.run("info", modelWith(all).toString()), "not finite");
    }
}
