package dev.strom.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.tensor.Tensors;
import dev.strom.flow.FlowLoss;
import dev.strom.flow.LearnedDenoiser;
import dev.strom.flow.train.TrainSettings;
import dev.strom.flow.train.TrainStep;
import dev.strom.data.AtomicFiles;
import dev.strom.store.ModelStore;
import dev.strom.store.ModelVocabulary;
import dev.strom.text.Vocabulary;
import dev.strom.store.Safetensors;
import dev.strom.store.SafetensorsFile;
import dev.strom.flow.TextFeatures;
import dev.strom.flow.train.CaptionDropout;
import dev.strom.flow.train.EditColourFit;
import dev.strom.flow.train.FirstStepFit;
import dev.strom.flow.train.TrainingObjective;
import dev.strom.video.Generation;
import dev.strom.video.VideoModel;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.strom.tensor.TensorData;
import java.util.Locale;
import dev.strom.tensor.Scalar;

/**
 * The training loop: batches from a {@link TrainingData}, one {@link TrainStep} each, a checkpoint directory
 * (model + optimizer + position) replaced atomically every N steps and on Ctrl-C, and the loss curve.
 */
final class Trainer {

    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "trainer.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code init}: a model directory to fine-tune, or null to start from a fresh initialisation. */
    record Options(Path out, long seed, int steps, int stopAt, int batch, int checkpointEvery, boolean resume, Path init,
                   String command) {
    }

    private final ObjectNode config;
    private final Options o;
    private final TrainingData.Source source;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    Trainer(ObjectNode config, Options options, TrainingData.Source source) {
        this.config = config;
        this.o = options;
        this.source = source;
    }

    /** Trains and returns the last checkpoint's directory. */
    Path run() throws IOException {
        Path checkpoint = o.out().resolve(ModelStore.CHECKPOINT);
        JsonNode train = config.path("train");
        float lr = (float) train.path("learning_rate").asDouble(1e-3);
        int warmup = train.path("warmup").asInt(100);
        // an edit's dropped caption keeps its "(v2v) " marker (see CaptionDropout; the sampler's edit_marker)
        CaptionDropout captionDrop = new CaptionDropout((float) train.path("caption_dropout").asDouble(0.1),
                List.of(Generation.EDIT_MARKER));
        // how much telling a clip's caption from wrong ones counts, per dimension, beside its likelihood
        float contrastWeight = (float) train.path("caption_contrast_weight").asDouble(0);
        // how much telling a clip's true continuation from corrupted ones counts, per dimension read
        float futureWeight = (float) train.path("future_contrast_weight").asDouble(0);
        // read before any model is loaded, so a bad value costs nothing:
        // future contrast as a softmax over the candidates (default) or the truth against each one ("pairwise")
        String scoring = train.path("future_contrast_scoring").asText("softmax");
        if (!scoring.equals("softmax") && !scoring.equals("pairwise")) {
            throw new IllegalArgumentException("future_contrast_scoring must be softmax or pairwise, not " + scoring);
        }
        TrainingObjective.FutureScoring futureScoring = new TrainingObjective.FutureScoring(
                scoring.equals("pairwise"), (float) (train.path("future_contrast_margin_bits").asDouble(0) * Math.log(2)));
        OwnPastSettings ownPast = OwnPastSettings.of(train);
        TrainingObjective.MovingTokens movingTokens = new TrainingObjective.MovingTokens(
                (float) train.path("moving_token_weight").asDouble(1), (float) train.path("moving_token_threshold").asDouble(0.1));
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try (NDManager manager = NDManager.newBaseManager()) {
            VideoModel model;
            int start = 0;
            double elapsedBefore = 0;
            Map<String, TensorData> optimizerState = null;
            Double before = null;
            // a resumed run's card: it keeps the lineage and the command the run was started with
            JsonNode started = JSON.createObjectNode();
            if (o.resume()) {
                if (!Files.isDirectory(checkpoint)) {
                    throw new IllegalArgumentException("--resume: no checkpoint in " + o.out());
                }
                model = ModelStore.load(checkpoint, manager);
                JsonNode state = JSON.readTree(checkpoint.resolve(STATE).toFile());
                start = state.path("step").asInt();
                elapsedBefore = state.path("elapsed_seconds").asDouble();
                optimizerState = SafetensorsFile.read(checkpoint.resolve(OPTIMIZER));
                started = ModelStore.readConfig(checkpoint).path("strom").path("card");
                before = started.has("heldout_bits_per_dim_before") ? started.get("heldout_bits_per_dim_before").asDouble() : null;
            } else {
                if (Files.exists(checkpoint)) {
                    throw new IllegalArgumentException(o.out() + " already holds a checkpoint: use --resume or another --out");
                }
                model = o.init() != null ? ModelStore.load(o.init(), config, o.seed(), manager) : createModel(manager);
            }
            try (model) {
                TrainingData data = source.open(model.spec());
                ModelVocabulary vocabulary = vocabulary(data, checkpoint);
                boolean nextFrameOnly = data.futureReadsNextFrameOnly();
                if (o.init() != null && !o.resume()) {
                    before = data.heldOutBitsPerDim(model);
                    System.err.printf(Locale.ROOT, "held-out bits/dim of %s before fine-tuning: %.4f%n", o.init(), before);
                    JsonNode had = ModelStore.readConfig(o.init()).path("model_kwargs").path("layers_per_block");
                    JsonNode has = config.path("model_kwargs").path("layers_per_block");
                    if (!had.equals(has)) {
                        System.err.println("layers per block " + had + " -> " + has + ": the new layers start passing their input through");
                    }
                }
                // the first step's velocity taught the clips' own move from frame 0 to frame 1 (first_step_motion), an
                // edit's colours those of its first result frame (edit_colours)
                float firstStepWeight = (float) train.path("first_step_velocity_weight").asDouble(0);
                float editColourWeight = (float) train.path("edit_colour_weight").asDouble(model.flow().config().editColours() ? 1 : 0);
                TrainingObjective objective = new TrainingObjective(model.flow(), model.text(), futureScoring, movingTokens)
                        .teaching(new TrainingObjective.Taught(firstStepWeight, editColourWeight));
                // a learned denoiser is trained apart (strom train-denoiser): the flow's loss would only decay it
                Map<String, NDArray> trained = new LinkedHashMap<>(model.parameters());
                trained.keySet().removeIf(name -> name.startsWith(LearnedDenoiser.PREFIX));
                TrainStep step = new TrainStep(trained, TrainSettings.starflow(lr, warmup, o.steps()));
                // weights the fine-tuned model did not have (zero-started options such as pos_embed); not the first
                // step's velocity when it is fitted: it starts at the least-squares answer, not at zero, and at the
                // base rate it stays there (docs/experiments.md, session 25)
                boolean fitted = model.flow().config().firstStepMotion() && firstStepWeight > 0;
                boolean coloursFitted = model.flow().config().editColours() && editColourWeight > 0;
                float scale = (float) train.path("new_parameter_lr_scale").asDouble(1);
                if (scale != 1) {
                    for (String name : model.flow().parameters().zeroStarted()) {
                        if (fitted && name.startsWith("first_step.") || coloursFitted && name.startsWith("edit_colours.")) {
                            continue;
                        }
                        step.optimizer().scaleLearningRate(name, scale);
                        System.err.printf(Locale.ROOT, "%s is new: learning rate x%.3g%n", name, scale);
                    }
                }
                if (optimizerState != null) {
                    step.optimizer().restore(optimizerState, trained);
                    step.resumeAt(start);
                } else if (fitted || coloursFitted) {
                    fitTextPredictions(model, data, manager, fitted, coloursFitted);
                }
                LossLog log = LossLog.read(o.out().resolve("loss.csv"), start);
                ProgressBar bar = new ProgressBar("train");
                long t0 = System.nanoTime();
                int s = start;
                while (s < o.stopAt() && !stop.get()) {
                    List<TrainingData.BatchPart> parts = new ArrayList<>(data.batch(s));
                    Random rng = new Random(o.seed() * 1_000_003L + s);
                    // made before the tape opens: the model's own frames are data here, not a path for gradients
                    OwnPastRows own = ownPast.on() ? ownPastRows(model, objective, ownPast, parts, s) : null;
                    double[] nll = new double[1];
                    double[] contrast = {0, 0, 0};
                    double[] future = {0, 0, 0};
                    // one loss per part, each taken back through before the next is built (see TrainStep.run)
                    List<Supplier<NDArray>> losses = new ArrayList<>();
                    for (int i = 0; i < parts.size(); i++) {
                        TrainingData.BatchPart p = parts.get(i);
                        double[] nllOut = i == 0 ? nll : null;
                        losses.add(() -> {
                            TrainingObjective o = objective.withEditFrom(model.editFrom(p.captions(), p.frames()));
                            NDArray part;
                            if (p.future()) {
                                // reading only the next frame: the causal flow never sees what comes after its flow frame
                                int read = nextFrameOnly ? model.framesThroughFlowFrameOf(p.scoredFrom()) : p.frames();
                                NDArray candidates = model.stack(p.clips(), p.frames()).get(":, :" + read);
                                TrainingObjective.Contrast f = o.futureContrast(model.toFlow(candidates),
                                        p.futures(), model.flowFrame(p.scoredFrom()), p.captions(), rng, nllOut);
                                future[0] += f.crossEntropy().getFloat();
                                future[1]++;
                                future[2] += f.accuracy();
                                part = f.loss().add(Scalar.mul(f.crossEntropy(), futureWeight / model.flowDimsFrom(p.scoredFrom(), read)));
                            } else if (p.contrasted()) {
                                TrainingObjective.Contrast c = o.captionContrast(model.toFlow(model.stack(p.clips(), p.frames())),
                                        model.flowFrame(p.scoredFrom()), p.candidates(), rng, nllOut);
                                contrast[0] += c.crossEntropy().getFloat();
                                contrast[1]++;
                                contrast[2] += c.accuracy();
                                part = c.loss().add(Scalar.mul(c.crossEntropy(), contrastWeight / model.flowDimsFrom(p.scoredFrom(), p.frames())));
                            } else {
                                part = o.loss(flowClips(model, p), p.captions(), captionDrop, rng, nllOut);
                            }
                            return p.weight() != 1f ? Scalar.mul(part, p.weight()) : part;
                        });
                    }
                    if (own != null) {
                        losses.add(() -> Scalar.mul(objective.lossAfterOwnPast(Tensors.of(manager, own.noisy(), own.shape()),
                                own.captions(), own.own(), captionDrop, rng, null), own.weight()));
                    }
                    TrainStep.Result r = step.run(losses);
                    double seconds = elapsedBefore + (System.nanoTime() - t0) / 1e9;
                    double bpd = r.skipped() ? Double.NaN : FlowLoss.bitsPerDim(nll[0]);
                    double contrastMean = contrast[1] > 0 ? contrast[0] / contrast[1] : Double.NaN;
                    double futureMean = future[1] > 0 ? future[0] / future[1] : Double.NaN;
                    double futureFirst = future[1] > 0 ? future[2] / future[1] : Double.NaN;
                    log.add(new LossLog.Row(s, r.loss(), bpd, r.gradNorm(), r.learningRate(), seconds, contrastMean, futureMean, futureFirst));
                    s++;
                    String contrastNote = contrast[1] > 0
                            ? String.format(" contrast %.3f (own caption first %.0f%%)", contrastMean, 100 * contrast[2] / contrast[1]) : "";
                    if (future[1] > 0) {
                        contrastNote += String.format(" future %.3f (truth first %.0f%%)", futureMean, 100 * futureFirst);
                    }
                    bar.update((double) (s - start) / Math.max(1, o.stopAt() - start), String.format("step %d/%d loss %.4f bpd %.3f%s%s", s, o.stopAt(),
                            r.loss(), bpd, contrastNote, r.skipped() ? " (skipped: " + r.reason() + ")" : ""));
                    if (s % o.checkpointEvery() == 0 && s < o.stopAt()) {
                        save(model, step, log, checkpoint, s, seconds, new Saved(data, vocabulary, before, started, null));
                    }
                }
                double seconds = elapsedBefore + (System.nanoTime() - t0) / 1e9;
                Double heldOut = null;
                if (!stop.get()) {
                    heldOut = data.heldOutBitsPerDim(model);
                }
                save(model, step, log, checkpoint, s, seconds, new Saved(data, vocabulary, before, started, heldOut));
                bar.finish(stop.get()
                        ? "interrupted: checkpoint at step " + s + " saved in " + checkpoint + " (continue with --resume)"
                        : String.format("done: %d steps in %s, held-out bits/dim %.4f, model in %s", s,
                        ProgressBar.duration(seconds), heldOut, checkpoint));
            }
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
        return checkpoint;
    }

    /**
     * Clips of a step that continue from frames the model made itself ({@link TrainingObjective#withOwnPast}): the
     * noisy clips with those frames in place, their captions, and what their loss weighs in the step.
     */
    private record OwnPastRows(TrainingObjective.OwnPast own, float[] noisy, Shape shape, List<String> captions, float weight) {
    }

    /**
     * Takes the first {@link OwnPastSettings#clips} clips of the step's first part of whole clips (not an edit, an
     * "(extend) " window or a contrast) out of {@code parts}, the rest of that part weighing what it holds of it, and
     * makes their own past; null when the step has no such part or the model is a latent one.
     */
    private OwnPastRows ownPastRows(VideoModel model, TrainingObjective objective, OwnPastSettings settings,
                                    List<TrainingData.BatchPart> parts, int s) {
        if (model.autoencoder().isPresent()) {
            throw new IllegalArgumentException("own_past_share is for pixel models: a latent model's frames are made in latents");
        }
        for (int i = 0; i < parts.size(); i++) {
            TrainingData.BatchPart p = parts.get(i);
            if (p.future() || p.contrasted() || p.extend() || p.frames() != model.spec().frames()
                    || model.editFrom(p.captions(), p.frames()) != 0) {
                continue;
            }
            int all = p.clips().size();
            int n = settings.clips(all);
            // a stream of its own, so that a run without own past draws what it drew before
            Random rng = new Random((o.seed() * 1_000_003L + s) ^ 0x6f776e70617374L);
            TrainingObjective.OwnPast own = settings.draw(p.frames(), model.defaults(), rng);
            List<String> captions = List.copyOf(p.captions().subList(0, n));
            float weight = p.weight() * n / all;
            if (n < all) {
                parts.set(i, new TrainingData.BatchPart(List.copyOf(p.clips().subList(n, all)), p.frames(),
                        List.copyOf(p.captions().subList(n, all))).weighted(p.weight() * (all - n) / all));
            } else {
                parts.remove(i);
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray noisy = objective.noisy(model.toFlow(model.stack(p.clips().subList(0, n), p.frames())), rng);
                NDArray made = objective.withOwnPast(noisy, captions, own, model.defaults().method(), rng);
                return new OwnPastRows(own, made.toFloatArray(), made.getShape(), captions, weight);
            }
        }
        return null;
    }

    /**
     * Clips of two frames or more that start the first step's velocity ({@link FirstStepFit}), at least, from at most
     * as many batches. Why this many: each caption's words are a few of the hundreds of word features the fit
     * solves for, and spinning objects and pairs of objects give moves that are noise to a whole-frame shift; fitted
     * to 270 clips the velocity read the 24 held-out captions 0.29 px off their clips' moves (docs/experiments.md,
     * session 25).
     */
    private static final int FIRST_STEP_FIT_CLIPS = 1024;

    /** Edits that start an edit's colours ({@link EditColourFit}), at least, from at most as many batches. */
    private static final int EDIT_COLOUR_FIT_EDITS = 1024;

    /**
     * Starts what the flow reads from the words at their fit to the first batches (the batches training then draws
     * again: a batch is a function of its step), each batch made once for both: with {@code firstStep} the first
     * step's velocity at the least-squares fit of the whole clips' and openings' moves, with {@code colours} an
     * edit's colours at their fit to the edits (training data without edits leaves them where they are).
     */
    private static void fitTextPredictions(VideoModel model, TrainingData data, NDManager manager, boolean firstStep,
                                           boolean colours) {
        FirstStepFit steps = firstStep ? new FirstStepFit(model.flow()) : null;
        EditColourFit edits = colours ? new EditColourFit(model.flow()) : null;
        for (int s = 0; s < Math.max(FIRST_STEP_FIT_CLIPS, EDIT_COLOUR_FIT_EDITS); s++) {
            boolean moreSteps = steps != null && steps.clips() < FIRST_STEP_FIT_CLIPS && s < FIRST_STEP_FIT_CLIPS;
            boolean moreEdits = edits != null && edits.edits() < EDIT_COLOUR_FIT_EDITS && s < EDIT_COLOUR_FIT_EDITS;
            if (!moreSteps && !moreEdits) {
                break;
            }
            for (TrainingData.BatchPart p : data.batch(s)) {
                int editFrom = model.editFrom(p.captions(), p.frames());
                boolean forSteps = moreSteps && p.frames() >= 2;
                boolean forEdits = moreEdits && editFrom > 0;
                if (p.future() || p.contrasted() || !forSteps && !forEdits) {
                    continue;
                }
                try (NDScope scope = new NDScope()) {
                    NDArray clips = flowClips(model, p);
                    TextFeatures text = model.text().encode(manager, p.captions());
                    if (forSteps) {
                        steps.add(clips, text);
                    }
                    if (forEdits) {
                        edits.add(clips, text, editFrom);
                    }
                }
            }
        }
        if (steps != null) {
            if (steps.clips() == 0) {
                throw new IllegalArgumentException("first_step_velocity_weight needs clips of two frames or more, and the "
                        + "training data's first " + FIRST_STEP_FIT_CLIPS + " batches have none");
            }
            try (NDScope scope = new NDScope()) {
                steps.apply(manager);
            }
            System.err.printf(Locale.ROOT, "first step's velocity and size rate fitted to the steps of %d clips%n", steps.clips());
        }
        if (edits != null) {
            if (edits.edits() == 0) {
                System.err.println("no edits in the training data's first batches: the edit colours start where they are");
                return;
            }
            double[] error;
            try (NDScope scope = new NDScope()) {
                error = edits.apply(manager);
            }
            System.err.printf(Locale.ROOT, "edit colours fitted to %d edits: mean square error %.3f -> %.3f%n",
                    edits.edits(), error[0], error[1]);
        }
    }

    /**
     * A part's clips as the flow reads them. A latent model's "(extend) " windows are one latent frame longer than
     * its clips: they are encoded and their first latent frame (a single frame) is dropped, so the window starts
     * with a latent frame of four, as every later window of a long video does (STARFlow-V's drop_image).
     */
    private static NDArray flowClips(VideoModel model, TrainingData.BatchPart p) {
        NDArray clips = model.stack(p.clips(), p.frames());
        if (model.autoencoder().isEmpty() || !p.extend()) {
            return model.toFlow(clips);
        }
        int lead = model.frameStride();
        if (p.frames() != model.spec().frames() + lead) {
            throw new IllegalArgumentException("a latent model's (extend) windows need extend_lead_frames " + lead
                    + ": one latent frame to drop");
        }
        return model.toFlow(clips).get(":, 1:");
    }

    /**
     * A fresh model; a latent model's autoencoder is trained first (or read back once trained), and its section
     * of the config gets the latents' normalisation statistics.
     */
    private VideoModel createModel(NDManager manager) throws IOException {
        JsonNode section = config.path("autoencoder");
        if (section.isMissingNode() || section.isNull()) {
            return ModelStore.create(config, manager, o.seed());
        }
        VideoSpec spec = ModelStore.videoSpec(config);
        AutoencoderTrainer.Trained ae = new AutoencoderTrainer(section, spec, o.out(), o.seed())
                .run(source.open(spec), stop::get);
        config.set("autoencoder", ae.section());
        return ModelStore.create(config, manager, o.seed(), ae.weights());
    }

    /**
     * What a new run knows: its data's vocabulary, and with --init the words the model was trained on before (it
     * still knows them; what it can draw is what the new data says). A resumed run keeps what its checkpoint saved,
     * which --init may no longer be given to rebuild.
     */
    private ModelVocabulary vocabulary(TrainingData data, Path checkpoint) throws IOException {
        Optional<ModelVocabulary> saved = o.resume() ? ModelVocabulary.read(checkpoint) : Optional.empty();
        if (saved.isPresent()) {
            return saved.get();
        }
        ModelVocabulary own = data.vocabulary();
        if (o.init() == null) {
            return own;
        }
        return ModelVocabulary.read(o.init()).map(old -> {
            TreeMap<String, Long> counts = new TreeMap<>(old.words().counts());
            own.words().counts().forEach((w, c) -> counts.merge(w, c, Long::sum));
            return new ModelVocabulary(new Vocabulary(counts, old.words().captions() + own.words().captions()),
                    own.canDraw(), own.examples());
        }).orElse(own);
    }

    /** What a checkpoint records beside the weights: the data, its vocabulary and the held-out figures. */
    private record Saved(TrainingData data, ModelVocabulary vocabulary, Double before, JsonNode started, Double heldOut) {
    }

    private void save(VideoModel model, TrainStep step, LossLog log, Path checkpoint, int s, double seconds, Saved saved)
            throws IOException {
        TrainingData data = saved.data();
        Double before = saved.before();
        Double heldOut = saved.heldOut();
        ObjectNode cfg = config.deepCopy();
        if (config.path("train").path("extend_windows_per_step").asInt(0) > 0) {
            // the sampler makes windows that continue mid-clip under the "(extend) " caption it trained them with
            cfg.with("strom").with("sampling").put("extend_marker", true);
        }
        if (config.path("train").path("edits_per_step").asInt(0) > 0) {
            // edits were trained with their dropped captions kept as the "(v2v) " marker, and are guided so
            cfg.with("strom").with("sampling").put("edit_marker", true);
        }
        // read from the resumed checkpoint, not from the config: resuming with --init, the config is the init's
        JsonNode started = saved.started();
        ObjectNode card = cfg.with("strom").putObject("card");
        card.put("data", data.description());
        if (o.init() != null) {
            card.put("fine_tuned_from", o.init().toAbsolutePath().normalize().toString());
        } else if (started.has("fine_tuned_from")) {
            card.set("fine_tuned_from", started.get("fine_tuned_from"));
        }
        if (before != null) {
            card.put("heldout_bits_per_dim_before", before);
        }
        card.put("steps", s);
        card.put("batch", o.batch());
        card.put("train_seconds", Math.round(seconds));
        card.put("parameters", model.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum());
        if (heldOut != null) {
            card.put("heldout_bits_per_dim", heldOut);
        }
        card.put("command", started.has("command") ? started.get("command").asText() : o.command());
        ObjectNode state = JSON.createObjectNode();
        state.put("step", s);
        state.put("seed", o.seed());
        state.put("elapsed_seconds", seconds);
        var optimizer = step.optimizer().state();
        ModelStore.save(checkpoint, model, cfg, Map.of(
                OPTIMIZER, out -> Safetensors.encode(optimizer, Map.of(), out),
                STATE, out -> out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state)),
                ModelVocabulary.FILE, saved.vocabulary()::writeTo));
        log.writeCsv(o.out().resolve("loss.csv"));
        log.writePng(o.out().resolve("loss.png"), "strom train");
    }
}
