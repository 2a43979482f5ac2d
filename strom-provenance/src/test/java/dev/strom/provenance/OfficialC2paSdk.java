package dev.strom.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official C2PA SDK (c2pa-rs as the {@code @contentauth/c2pa-wasm} npm package) run under Node by
 * {@code src/test/node/validate.mjs}; installs the locked package on first use.
 */
final class OfficialC2paSdk {

    private static final Path DIR = Path.of("src", "test", "node").toAbsolutePath();

    /** What the SDK reported for one file. */
    record Report(JsonNode json) {

        boolean present() {
            return json.path("present").asBoolean();
        }

        List<String> failures() {
            List<String> out = new ArrayList<>();
            json.path("failure").forEach(c -> out.add(c.asText()));
            return out;
        }

        List<String> successes() {
            List<String> out = new ArrayList<>();
            json.path("success").forEach(c -> out.add(c.asText()));
            return out;
        }
    }

    private OfficialC2paSdk() {
    }

    static Report read(Path file, String mimeType) throws IOException, InterruptedException {
        if (!Files.isDirectory(DIR.resolve("node_modules").resolve("@contentauth"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"));
        }
        String out = run(List.of("node", DIR.resolve("validate.mjs").toString(), file.toAbsolutePath().toString(), mimeType));
        String last = out.strip().lines().reduce((a, b) -> b).orElse("{}");
        return new Report(new ObjectMapper().readTree(last));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
