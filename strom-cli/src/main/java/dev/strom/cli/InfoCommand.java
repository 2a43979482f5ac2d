package dev.strom.cli;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.flow.FlowConfig;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.store.ModelStore;
import dev.strom.store.ModelVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Describes a model: architecture, parameter count, training data and held-out bits/dim.",
                "Loads the weights to do so: missing, truncated or corrupt weights (or any that do not match the config, "
                        + "or are not finite) give one line and exit code 2."})
final class InfoCommand implements Callable<Integer> {

    @Parameters(paramLabel = "MODEL", arity = "0..1", description = "model directory (default: the bundled model)")
    Path dir;

    @Mixin
    ModelOption model;

    @Override
    public Integer call() throws Exception {
        Path p = dir != null ? dir : model.resolve();
        if (dir != null) {
            model.model = dir;
            p = model.resolve();
        }
        JsonNode cfg = ModelStore.readConfig(p);
        // Describing a model whose weights do not load would vouch for it: open it as generate would.
        String weights;
        Optional<ModelVocabulary> vocabulary;
        try (VideoPipeline pipeline = VideoPipeline.open(p)) {
            weights = checkedWeights(pipeline, p);
            vocabulary = pipeline.vocabulary();
        }
        FlowConfig f = ModelStore.flowConfig(cfg);
        JsonNode v = cfg.path("strom").path("video");
        JsonNode card = cfg.path("strom").path("card");
        System.out.println("model:        " + p.toAbsolutePath());
        System.out.printf("video:        %d frames of %dx%d RGB at %s fps%n", v.path("frames").asInt(), f.imgSize(), f.imgSize(),
                v.path("fps").asText());
        String positions = !f.positionEmbedding() ? ""
                : f.positionFrames() > 0 ? ", place and frame (" + f.positionFrames() + ") embeddings" : ", place embeddings";
        if (f.motionContext() > 0) {
            positions += ", reads the last " + f.motionContext() + " frames around each token";
        }
        if (f.motionCompensation() > 0) {
            positions += ", codes frames against their motion-compensated prediction (up to " + f.motionCompensation() + " px a frame)";
            if (f.predictionContext()) {
                positions += ", which the deep block reads";
            }
        }
        StringBuilder blocks = new StringBuilder();
        for (int i = 0; i < f.numBlocks(); i++) {
            var b = f.block(i);
            blocks.append(String.format("%s%d layers x %d wide (%s%s)", i == 0 ? "" : ", ", b.layers(), b.width(),
                    b.permutation().name().toLowerCase(), b.top() ? ", deep, text" + positions : b.frameLocal() ? ", per frame" : ""));
        }
        System.out.println("flow blocks:  " + blocks);
        System.out.printf("tokens:       patch %d -> %d tokens/frame of %d dims; noise sigma %.3f%n", f.patchSize(),
                f.gridSize() * f.gridSize(), f.tokenDim(), f.noiseStd());
        System.out.println("text encoder: " + cfg.path("strom").path("text_encoder"));
        System.out.println("weights:      " + weights);
        if (card.isObject()) {
            System.out.println("parameters:   " + card.path("parameters").asLong());
            System.out.println("data:         " + card.path("data").asText());
            System.out.println("training:     " + card.path("steps").asInt() + " steps, batch " + card.path("batch").asInt()
                    + ", " + ProgressBar.duration(card.path("train_seconds").asDouble()));
            if (card.has("fine_tuned_from")) {
                System.out.println("fine-tuned:   from " + card.path("fine_tuned_from").asText());
            }
            if (card.has("heldout_bits_per_dim")) {
                System.out.printf("held-out:     %.4f bits/dim%s%n", card.path("heldout_bits_per_dim").asDouble(),
                        card.has("heldout_bits_per_dim_before")
                                ? String.format(" (%.4f before fine-tuning)", card.path("heldout_bits_per_dim_before").asDouble()) : "");
            }
            System.out.println("reproduce:    " + card.path("command").asText());
            for (JsonNode stage : card.path("stages")) {
                System.out.println("  stage:      " + stage.path("steps").asInt() + " steps, "
                        + ProgressBar.duration(stage.path("train_seconds").asDouble()) + ": " + stage.path("command").asText());
            }
            JsonNode merged = card.path("merged");
            if (merged.isObject()) {
                // the last step: the fine-tune above, pulled part of the way back to its base (strom merge)
                System.out.printf(Locale.ROOT, "merged:       %.2f of that fine-tune, %.2f of its base %s: %s%n",
                        merged.path("weight").asDouble(), 1 - merged.path("weight").asDouble(), merged.path("base").asText(),
                        merged.path("command").asText());
            }
        }
        describeVocabulary(vocabulary);
        return 0;
    }

    /** What the model can draw and the words it knows, so a user can write prompts it will follow. */
    private static void describeVocabulary(Optional<ModelVocabulary> found) {
        if (found.isEmpty()) {
            System.out.println("vocabulary:   none saved (strom vocabulary writes it); prompts are not checked");
            return;
        }
        ModelVocabulary v = found.get();
        if (v.canDraw() != null) {
            System.out.println("objects:      " + v.canDraw().objects().stream().map(o -> o.name() + " (" + o.colour() + ")")
                    .collect(Collectors.joining(", ")));
            System.out.println("motions:      " + String.join(", ", v.canDraw().motions()));
            System.out.println("backgrounds:  " + String.join(", ", v.canDraw().backgrounds()));
            System.out.println("note:         " + v.canDraw().note());
        }
        System.out.println("vocabulary:   " + v.words().counts().size() + " words from " + v.words().captions()
                + " training captions; most frequent: " + String.join(", ", v.words().mostFrequent(12)));
        for (String example : v.examples()) {
            System.out.println("example:      " + example);
        }
    }

    /**
     * Looks at every value of the loaded model (opening it checked the safetensors header, every tensor's name,
     * shape and byte range against the config); returns what was found, or throws with the problem in one line.
     */
    private static String checkedWeights(VideoPipeline pipeline, Path dir) throws IOException {
        Map<String, NDArray> parameters = pipeline.model().parameters();
        long count = 0;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray a = e.getValue();
            count += a.size();
            try (NDArray notFinite = a.isInfinite().logicalOr(a.isNaN())) {
                if (notFinite.any().getBoolean()) {
                    throw new IOException("model " + dir + " does not load: tensor '" + e.getKey()
                            + "' in " + ModelStore.WEIGHTS + " holds values that are not finite (NaN or infinite)");
                }
            }
        }
        return String.format(Locale.ROOT, "%s loads: %,d parameters in %d tensors, all finite", ModelStore.WEIGHTS,
                count, parameters.size());
    }
}
