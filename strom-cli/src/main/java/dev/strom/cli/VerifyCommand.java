package dev.strom.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.strom.provenance.ContentCredentials;
import dev.strom.provenance.Verification;
import dev.strom.provenance.Verifier;
import dev.strom.provenance.WatermarkDetection;
import dev.strom.provenance.WatermarkPayload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Checks a file for Strom provenance: a valid C2PA manifest (and who signed it) and the invisible "
                + "watermark (payload, confidence). Exit 0: provenance found; 1: none; 2: error.")
final class VerifyCommand implements Callable<Integer> {

    static final int NO_PROVENANCE = 1;

    @Parameters(paramLabel = "FILE", description = "an MP4/WebM/GIF video or PNG image")
    Path file;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Verification v = Verifier.verify(file);
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(v));
        } else {
            System.out.print(report(v));
        }
        return v.provenance() ? 0 : NO_PROVENANCE;
    }

    static String report(Verification v) {
        StringBuilder out = new StringBuilder();
        out.append("file:        ").append(v.file()).append('\n');
        ContentCredentials.Status m = v.manifest();
        if (!m.present()) {
            out.append("C2PA:        no manifest\n");
        } else {
            out.append("C2PA:        manifest present, ").append(m.valid() ? "valid" : "INVALID").append('\n');
            if (m.signer() != null) {
                out.append("signed by:   ").append(m.signer())
                        .append(m.selfSigned() ? " (the chain ends in a self-signed root; Strom checks no trust list)" : "").append('\n');
            }
            if (m.generator() != null) {
                out.append("generator:   ").append(m.generator()).append('\n');
            }
            for (String p : m.problems()) {
                out.append("problem:     ").append(p).append('\n');
            }
        }
        WatermarkDetection w = v.watermark();
        if (w == null) {
            out.append("watermark:   not looked for (not a video)\n");
        } else if (w.detected()) {
            WatermarkPayload p = w.payload();
            String model = p.modelId() == WatermarkPayload.modelIdOf(ModelOption.bundled().getFileName().toString())
                    ? " (" + ModelOption.bundled().getFileName() + ")" : "";
            out.append(String.format(Locale.ROOT, "watermark:   detected, score %.2f (threshold %.2f), confidence %.3f%n",
                    w.score(), w.threshold(), w.confidence()));
            out.append(String.format(Locale.ROOT, "payload:     model %08x%s, clip %08x%n", p.modelId(), model, p.clipId()));
        } else {
            out.append(String.format(Locale.ROOT, "watermark:   none (score %.2f, threshold %.2f)%n", w.score(), w.threshold()));
        }
        out.append("provenance:  ").append(v.provenance() ? "Strom provenance found" : "none found").append('\n');
        return out.toString();
    }
}
