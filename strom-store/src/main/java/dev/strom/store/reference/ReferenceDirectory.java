package dev.strom.store.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strom.store.SafetensorsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a directory laid out like shared/reference/t2v-tiny: config.json, weights.safetensors,
 * forward.safetensors, reverse.safetensors, optionally denoiser.safetensors, and report.json beside it.
 */
public final class ReferenceDirectory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceDirectory() {
    }

    public static ReferenceCase read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory: " + dir);
        }
        String name = dir.toAbsolutePath().normalize().getFileName().toString();
        JsonNode config = JSON.readTree(Files.readString(require(dir.resolve("config.json"))));
        JsonNode report = null;
        Path reportFile = dir.resolve("report.json");
        if (!Files.exists(reportFile)) {
            reportFile = dir.resolveSibling("report.json");
        }
        if (Files.exists(reportFile)) {
            JsonNode all = JSON.readTree(reportFile.toFile());
            report = all.has(name) ? all.get(name) : (all.has("reverse") ? all : null);
        }
        Path denoiser = dir.resolve("denoiser.safetensors");
        return new ReferenceCase(name, config,
                SafetensorsFile.read(require(dir.resolve("weights.safetensors"))),
                SafetensorsFile.read(require(dir.resolve("forward.safetensors"))),
                SafetensorsFile.read(require(dir.resolve("reverse.safetensors"))),
                Files.exists(denoiser) ? SafetensorsFile.read(denoiser) : null,
                report);
    }

    private static Path require(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException("missing file: " + p);
        }
        return p;
    }
}
