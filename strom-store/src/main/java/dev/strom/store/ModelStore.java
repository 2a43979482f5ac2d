package dev.strom.store;

import dev.strom.data.AtomicFiles;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.strom.flow.FlowConfig;
import dev.strom.flow.StarFlow;
import dev.strom.latent.AutoencoderConfig;
import dev.strom.latent.VideoAutoencoder;
import dev.strom.tensor.Parameters;
import dev.strom.tensor.TensorData;
import dev.strom.text.HashedTextEncoder;
import dev.strom.video.Sampling;
import dev.strom.video.VideoModel;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A model directory: config.json (the flow config in the reference's terms plus a "strom" section with
 * the text encoder, the clip format and the model card) and weights.safetensors (flow tensors under the
 * reference's names, text encoder tensors under "text_encoder.*"). Directories are replaced whole.
 */
public final class ModelStore {

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "weights.safetensors";
    /** Where a training run keeps its latest checkpoint, inside its output directory. */
    public static final String CHECKPOINT = "checkpoint";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelStore() {
    }

    /** A fresh model from a config document (same layout as a saved config.json). */
    public static VideoModel create(JsonNode config, NDManager manager, long seed) {
        return create(config, manager, seed, null);
    }

    /**
     * A fresh flow and text encoder from a config document, on a trained autoencoder's latents ({@code autoencoder}:
     * its "autoencoder.*" tensors, for a config with an "autoencoder" section; null for a pixel model or a fresh
     * autoencoder).
     */
    public static VideoModel create(JsonNode config, NDManager manager, long seed, Map<String, TensorData> autoencoder) {
        FlowConfig flowConfig = flowConfig(config);
        HashedTextEncoder.Config textConfig = textConfig(config);
        VideoSpec spec = videoSpec(config);
        Parameters textParams = Parameters.initialised(manager, seed + 1);
        HashedTextEncoder text = new HashedTextEncoder(textParams, textConfig);
        VideoAutoencoder ae = autoencoderConfig(config).map(c -> new VideoAutoencoder(autoencoder == null
                ? Parameters.initialised(manager, seed + 2) : loadedAll(manager, autoencoder), c, spec.channels())).orElse(null);
        return new VideoModel(StarFlow.initialise(flowConfig, manager, seed), text, textParams, spec, sampling(config), manager, ae);
    }

    /**
     * The flow's part of a config document: its {@code model_kwargs}, where a first step moved by the caption
     * ({@code first_step_motion}) reads the words of this config's text encoder unless {@code txt_vocab} says otherwise.
     */
    public static FlowConfig flowConfig(JsonNode config) {
        JsonNode kwargs = config.path("model_kwargs");
        if (!FlowConfigJson.flag(kwargs, "first_step_motion", false) || kwargs.has("txt_vocab")) {
            return FlowConfigJson.fromJson(config);
        }
        ObjectNode filled = config.deepCopy();
        ((ObjectNode) filled.get("model_kwargs")).put("txt_vocab", textConfig(config).vocabulary());
        return FlowConfigJson.fromJson(filled);
    }

    private static Parameters loadedAll(NDManager manager, Map<String, TensorData> tensors) {
        return Parameters.loaded(manager, tensors, Set.of());
    }

    /** A model directory, or the checkpoint inside a training output directory. */
    public static Path resolve(Path p) {
        if (!Files.exists(p.resolve(CONFIG)) && Files.exists(p.resolve(CHECKPOINT).resolve(CONFIG))) {
            return p.resolve(CHECKPOINT);
        }
        return p;
    }

    /** A model's name: its directory's, or the training run's for a checkpoint inside one. */
    public static String name(Path modelDir) {
        Path abs = modelDir.toAbsolutePath().normalize();
        Path leaf = abs.getFileName();
        if (leaf == null) {
            return "model";
        }
        return leaf.toString().equals(CHECKPOINT) && abs.getParent() != null && abs.getParent().getFileName() != null
                ? abs.getParent().getFileName().toString() : leaf.toString();
    }

    public static JsonNode readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a Strom model directory (no " + CONFIG + "): " + dir);
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("model config " + file + " is not valid JSON", e);
        }
    }

    /** Loads a model directory; every tensor must match the config. */
    public static VideoModel load(Path dir, NDManager manager) throws IOException {
        JsonNode config = readConfig(dir);
        Map<String, TensorData> tensors = weights(dir);
        return named(dir, () -> load(config, tensors, manager));
    }

    /**
     * Loads a model directory's weights under another config, to fine-tune: its own, with options switched on
     * whose new weights start at zero (as {@code pos_embed}), and with blocks grown by layers at their end, which
     * start passing their input through ({@link StarFlow#grown}, initialised from {@code seed}). Every other
     * tensor must match that config.
     */
    public static VideoModel load(Path dir, JsonNode config, long seed, NDManager manager) throws IOException {
        Map<String, TensorData> tensors = weights(dir);
        return named(dir, () -> load(config, StarFlow.grown(flowConfig(config), tensors, seed), manager));
    }

    /** A model directory's tensors, as stored; a directory without weights is named in the error. */
    public static Map<String, TensorData> weights(Path dir) throws IOException {
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new IOException("model directory has no " + WEIGHTS + ": " + dir);
        }
        return SafetensorsFile.read(weights);
    }

    /** A model that does not load (config and tensors disagree, or the config is invalid) is named in the error. */
    private static VideoModel named(Path dir, Supplier<VideoModel> load) throws IOException {
        try {
            return load.get();
        } catch (IllegalArgumentException e) {
            throw new IOException("model " + dir + " does not load: " + e.getMessage(), e);
        }
    }

    /** A model from its config and all its tensors (flow, text encoder, autoencoder); every tensor must match. */
    public static VideoModel load(JsonNode config, Map<String, TensorData> all, NDManager manager) {
        Map<String, TensorData> flowTensors = new LinkedHashMap<>();
        Map<String, TensorData> textTensors = new LinkedHashMap<>();
        Map<String, TensorData> aeTensors = new LinkedHashMap<>();
        all.forEach((k, v) -> (k.startsWith("text_encoder.") ? textTensors
                : k.startsWith(VideoAutoencoder.PREFIX) ? aeTensors : flowTensors).put(k, v));
        FlowConfig flowConfig = flowConfig(config);
        Parameters textParams = Parameters.loaded(manager, textTensors, Set.of());
        HashedTextEncoder text = new HashedTextEncoder(textParams, textConfig(config));
        textParams.requireAllUsed();
        StarFlow flow = StarFlow.load(flowConfig, manager, flowTensors);
        VideoSpec spec = videoSpec(config);
        VideoAutoencoder ae = null;
        Optional<AutoencoderConfig> aeConfig = autoencoderConfig(config);
        if (aeConfig.isPresent()) {
            Parameters aeParams = loadedAll(manager, aeTensors);
            ae = new VideoAutoencoder(aeParams, aeConfig.get(), spec.channels());
            aeParams.requireAllUsed();
        } else if (!aeTensors.isEmpty()) {
            throw new IllegalArgumentException("the weights hold an autoencoder the config does not describe");
        }
        return new VideoModel(flow, text, textParams, spec, sampling(config), manager, ae);
    }

    /** Writes config and weights into dir, replacing what was there only once both are complete. */
    public static void save(Path dir, VideoModel model, JsonNode config) throws IOException {
        save(dir, model, config, Map.of());
    }

    /** As {@link #save(Path, VideoModel, JsonNode)}, with extra files (e.g. optimizer state) in the same swap. */
    public static void save(Path dir, VideoModel model, JsonNode config, Map<String, AtomicFiles.Content> extras)
            throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
        try {
            Files.writeString(tmp.resolve(CONFIG), JSON.writeValueAsString(config) + "\n");
            Map<String, TensorData> tensors = new LinkedHashMap<>(model.flow().parameters().snapshot());
            tensors.putAll(model.textParameters().snapshot());
            model.autoencoder().ifPresent(ae -> tensors.putAll(ae.parameters().snapshot()));
            SafetensorsFile.write(tmp.resolve(WEIGHTS), tensors, Map.of("format", "pt", "producer", "strom"));
            for (Map.Entry<String, AtomicFiles.Content> e : extras.entrySet()) {
                try (var out = Files.newOutputStream(tmp.resolve(e.getKey()))) {
                    e.getValue().writeTo(out);
                }
            }
            replaceDirectory(tmp, target);
        } finally {
            deleteTree(tmp);
        }
    }

    /** Moves a finished directory into place; an existing one is swapped out, then deleted. */
    public static void replaceDirectory(Path finished, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            move(target, old);
        }
        move(finished, target);
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    // ---- the "strom" section ----

    static HashedTextEncoder.Config textConfig(JsonNode config) {
        JsonNode t = config.path("strom").path("text_encoder");
        HashedTextEncoder.Config d = HashedTextEncoder.Config.small();
        return new HashedTextEncoder.Config(t.path("word_buckets").asInt(d.wordBuckets()),
                t.path("ngram_buckets").asInt(d.ngramBuckets()), t.path("max_tokens").asInt(d.maxTokens()),
                t.path("features_per_token").asInt(d.featuresPerToken()), t.path("dim").asInt(d.dim()),
                t.path("layers").asInt(d.layers()), t.path("heads").asInt(d.heads()));
    }

    public static VideoSpec videoSpec(JsonNode config) {
        JsonNode v = config.path("strom").path("video");
        if (!v.has("frames") || !v.has("fps")) {
            throw new IllegalArgumentException("config has no strom.video section (frames, fps)");
        }
        // a latent model's flow reads a smaller grid than the frames it makes: the frame size is the video's
        int size = v.has("size") ? v.get("size").asInt() : config.path("model_kwargs").path("img_size").asInt();
        return new VideoSpec(v.get("frames").asInt(), size, v.get("fps").asDouble());
    }

    /**
     * The "autoencoder" section, when the flow works on latents: latent_channels, width, spatial, temporal, noise,
     * penalty, and once trained latent_mean and latent_std (per channel).
     */
    public static Optional<AutoencoderConfig> autoencoderConfig(JsonNode config) {
        JsonNode a = config.path("autoencoder");
        if (a.isMissingNode() || a.isNull()) {
            return Optional.empty();
        }
        return Optional.of(new AutoencoderConfig(a.path("latent_channels").asInt(8), a.path("width").asInt(64),
                a.path("spatial").asInt(4), a.path("temporal").asInt(4), (float) a.path("noise").asDouble(0.1),
                (float) a.path("penalty").asDouble(1e-3), floats(a.path("latent_mean")), floats(a.path("latent_std"))));
    }

    private static float[] floats(JsonNode n) {
        if (!n.isArray()) {
            return null;
        }
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) n.get(i).asDouble();
        }
        return out;
    }

    /**
     * The model's sampling defaults, "strom.sampling": cfg, temperature, and optionally jacobi_block,
     * jacobi_iterations, jacobi_threshold, extend_marker (set by training on "(extend) " windows) and edit_marker (set by
     * training on edits whose dropped captions keep their marker); what is missing
     * is {@link Sampling#FALLBACK}'s.
     */
    static Sampling sampling(JsonNode config) {
        JsonNode s = config.path("strom").path("sampling");
        Sampling d = Sampling.FALLBACK;
        Sampling.Inversion j = d.inversion();
        return new Sampling((float) s.path("cfg").asDouble(d.guidance()), (float) s.path("temperature").asDouble(d.temperature()),
                Sampling.Inversion.jacobi(s.path("jacobi_block").asInt(j.block()), s.path("jacobi_iterations").asInt(j.iterations()),
                        s.path("jacobi_threshold").asDouble(j.threshold())), d.denoise(), s.path("extend_marker").asBoolean(false),
                s.path("edit_marker").asBoolean(false));
    }
}
