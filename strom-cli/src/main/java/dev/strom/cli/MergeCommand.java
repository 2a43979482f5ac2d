package dev.strom.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.store.ModelStore;
import dev.strom.store.ModelVocabulary;
import dev.strom.store.WeightInterpolation;
import dev.strom.tensor.TensorData;
import dev.strom.video.VideoModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Pulls a fine-tuned model part of the way back to the model it was fine-tuned from: every weight "
                + "WEIGHT x the fine-tune + (1 - WEIGHT) x the base (WiSE-FT).",
                "Keeps most of what the fine-tune taught and of what the base did well; weights the fine-tune added are "
                        + "kept as trained. The result has the fine-tune's config and vocabulary."})
final class MergeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TUNED", description = "the fine-tuned model directory")
    Path tuned;

    @Option(names = "--base", required = true, paramLabel = "DIR", description = "the model it was fine-tuned from")
    Path base;

    @Option(names = "--weight", required = true, paramLabel = "W", description = "the fine-tune's share, 0 (the base) to 1 (the fine-tune)")
    double weight;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output model directory")
    Path out;

    @Option(names = "--force", description = "replace an existing output directory")
    boolean force;

    @Override
    public Integer call() throws Exception {
        Path t = ModelStore.resolve(tuned);
        Path b = ModelStore.resolve(base);
        if (Files.exists(out) && !force) {
            throw new IllegalArgumentException(out + " exists; --force replaces it");
        }
        JsonNode tunedConfig = ModelStore.readConfig(t);
        ModelStore.readConfig(b); // a base that is not a model directory is refused as such, not as missing weights
        Map<String, TensorData> merged = WeightInterpolation.between(ModelStore.weights(t), ModelStore.weights(b), weight);
        ObjectNode config = tunedConfig.deepCopy();
        ObjectNode card = config.with("strom").with("card");
        // the held-out figures were the fine-tune's own; the merged model has not been measured yet
        card.remove("heldout_bits_per_dim");
        card.remove("heldout_bits_per_dim_before");
        ObjectNode m = card.putObject("merged");
        m.put("fine_tuned", tuned.toString());
        m.put("base", base.toString());
        m.put("weight", weight);
        m.put("command", String.format(Locale.ROOT, "strom merge %s --base %s --weight %s --out %s", tuned, base, weight, out));
        // loading checks every tensor against the config before anything is written
        try (NDManager manager = NDManager.newBaseManager(); VideoModel model = ModelStore.load(config, merged, manager)) {
            ModelStore.save(out, model, config, ModelVocabulary.carriedFrom(t));
        }
        System.out.printf(Locale.ROOT, "%s: %.2f of %s, %.2f of %s%n", out, weight, tuned, 1 - weight, base);
        return 0;
    }
}
