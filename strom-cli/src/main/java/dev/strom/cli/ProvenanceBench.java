package dev.strom.cli;

import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.flow.JacobiInverse;
import dev.strom.provenance.ContentCredentials;
import dev.strom.provenance.ProvenanceBenchmark;
import dev.strom.provenance.ProvenanceStamp;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;

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

    static Map<String, Object> run(ModelOption model, SigningOption signing, NDManager manager, int clips, int unmarked)
            throws Exception {
        if (clips <= 0 || unmarked <= 0) {
            throw new IllegalArgumentException("--provenance-clips and --unmarked must be positive");
        }
        Path dir = model.resolve();
        ModelOption.Sampling sampling = model.sampling(null, null);
        List<Clip> generated = new ArrayList<>();
        try (TextToVideo video = ModelStore.load(dir, manager)) {
            for (int i = 0; i < clips; i++) {
                int n = video.spec().frames();
                float[] x = video.generate(new TextToVideo.Generation(PROMPTS.get(i % PROMPTS.size()), 1000 + i,
                        sampling.guidance(), n, new JacobiInverse(16, 32, 1e-3), true, sampling.temperature()), null);
                generated.add(Clip.fromModelLayout(x, n, video.spec().size(), video.spec().size(), video.spec().fps()));
            }
        }
        ProvenanceStamp stamp = ProvenanceStamp.open(signing.location(),
                new ContentCredentials.Generator(StromCommand.version(), Provenance.modelName(dir)));
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
