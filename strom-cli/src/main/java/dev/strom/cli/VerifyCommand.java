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
        description = {"Checks a file for Strom provenance: its C2PA manifest (valid, invalid with the reason, or absent; "
                + "who signed it) and, in a video, the invisible watermark (found with payload and confidence, not found, "
                + "or frames that could not be decoded). A damaged file is reported, not refused.",
                "Exit 0: verified (a valid manifest, and the watermark agrees); 1: not verified (the manifest is invalid, "
                        + "the watermark contradicts it, or there is no manifest: watermark only or nothing); "
                        + "2: bad input (no such file, not a video or image)."})
final class VerifyCommand implements Callable<Integer> {

    /** Exit code for a file that was read but is not verified (invalid, watermark only, or no provenance at all). */
    static final int NOT_VERIFIED = 1;

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
        return v.verdict() == Verification.Verdict.VERIFIED ? 0 : NOT_VERIFIED;
    }

    static String report(Verification v) {
        StringBuilder out = new StringBuilder();
        out.append("file:        ").append(v.file()).append('\n');
        ContentCredentials.Status m = v.manifest();
        if (!m.present()) {
            out.append("C2PA:        no manifest\n");
            for (String p : m.problems()) {
                out.append("problem:     ").append(p).append('\n');
            }
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
        if (v.watermarkProblem() != null) {
            out.append("watermark:   could not look: ").append(v.watermarkProblem()).append('\n');
        } else if (w == null) {
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
        out.append("verdict:     ").append(v.verdict().wire()).append(": ").append(v.reason()).append('\n');
        return out.toString();
    }
}
