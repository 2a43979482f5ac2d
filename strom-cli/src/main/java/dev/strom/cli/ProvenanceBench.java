package dev.strom.cli;

import dev.strom.data.Clip;
import dev.strom.provenance.ContentCredentials;
import dev.strom.provenance.ProvenanceBenchmark;
import dev.strom.provenance.ProvenanceStamp;
import dev.strom.pipeline.Mode;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.pipeline.VideoRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** {@code strom bench --provenance}: the provenance benchmark on clips the model generates as generate would. */
final class ProvenanceBench {

    private static final List<String> PROMPTS = List.of(
            "a red apple moving left on a blue background",
            "a yellow ball moving up on a green background",
            "ein weisses Quadrat bewegt sich nach rechts auf schwarzem Hintergrund",
            "a purple star moving down on a gray background",
            // dark and busy: the clip that once defeated the watermark (WatermarkTest keeps it as a fixture)
            "a yellow star spinning on a black background");

    private ProvenanceBench() {
    }

    static Map<String, Object> run(ModelOption model, SigningOption signing, int clips, int unmarked)
            throws Exception {
        if (clips <= 0 || unmarked <= 0) {
            throw new IllegalArgumentException("--provenance-clips and --unmarked must be positive");
        }
        List<Clip> generated = new ArrayList<>();
        String name;
        try (VideoPipeline pipeline = model.open()) {
            name = pipeline.name();
            for (int i = 0; i < clips; i++) {
                generated.add(pipeline.make(new VideoRequest(Mode.TEXT, PROMPTS.get(i % PROMPTS.size()), 1000 + i,
                        pipeline.spec().frames(), pipeline.defaults(), null, null), null));
            }
        }
        ProvenanceStamp stamp = ProvenanceStamp.open(signing.location(),
                new ContentCredentials.Generator(VideoPipeline.version(), name));
        Path work = Files.createTempDirectory("strom-provenance-bench");
        try {
            return ProvenanceBenchmark.run(generated, 8, stamp, unmarked, work);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
