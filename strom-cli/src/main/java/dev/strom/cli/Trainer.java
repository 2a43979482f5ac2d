package dev.strom.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.EditPairs;
import dev.strom.data.world.WorldDataset;
import dev.strom.flow.FlowLoss;
import dev.strom.flow.train.TrainSettings;
import dev.strom.flow.train.TrainStep;
import dev.strom.data.AtomicFiles;
import dev.strom.store.ModelStore;
import dev.strom.store.SafetensorsFile;
import dev.strom.tensor.Safetensors;
import dev.strom.video.TextToVideo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The training loop: batches from the built-in world, one {@link TrainStep} each, a checkpoint directory
 * (model + optimizer + position) replaced atomically every N steps and on Ctrl-C, and the loss curve.
 */
final class Trainer {

    static final String CHECKPOINT = "checkpoint";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "trainer.json";
    private static final long STILLS_OFFSET = 1L << 40;
    private static final long WINDOWS_OFFSET = 2L << 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    record Options(Path out, long seed, int steps, int stopAt, int batch, int checkpointEvery, boolean resume, String command) {
    }

    private final ObjectNode config;
    private final Options o;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    Trainer(ObjectNode config, Options options) {
        this.config = config;
        this.o = options;
    }

    /** Trains and returns the last checkpoint's directory. */
    Path run() throws IOException {
        Path checkpoint = o.out().resolve(CHECKPOINT);
        JsonNode train = config.path("train");
        float lr = (float) train.path("learning_rate").asDouble(1e-3);
        int warmup = train.path("warmup").asInt(100);
        float captionDrop = (float) train.path("caption_dropout").asDouble(0.1);
        double twoObjects = train.path("two_object_share").asDouble(0.15);
        // Stills train as one-frame clips beside the videos (as STARFlow-V trains on text-image pairs too):
        // in a still, the caption decides most of what is seen, so the text is learned much faster.
        int images = train.path("images_per_step").asInt(0);
        int imagesFrom = train.path("images_from_step").asInt(0);
        // Short windows of a clip: the caption's motion words only pay off in the first frames of a clip (after
        // that the motion can be read from the frames already seen), so windows give the text more signal per FLOP.
        int windows = train.path("windows_per_step").asInt(0);
        int windowFrames = train.path("window_frames").asInt(4);
        int windowsFrom = train.path("windows_from_step").asInt(0);
        // Editing examples (STARFlow-V's v2v scheme): half a window of a clip, then the same span with one thing
        // changed, captioned "(v2v) <instruction>".
        int edits = train.path("edits_per_step").asInt(0);
        int editsFrom = train.path("edits_from_step").asInt(0);
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
            TextToVideo model;
            int start = 0;
            double elapsedBefore = 0;
            Map<String, dev.strom.tensor.TensorData> optimizerState = null;
            if (o.resume()) {
                if (!Files.isDirectory(checkpoint)) {
                    throw new IllegalArgumentException("--resume: no checkpoint in " + o.out());
                }
                model = ModelStore.load(checkpoint, manager);
                JsonNode state = JSON.readTree(checkpoint.resolve(STATE).toFile());
                start = state.path("step").asInt();
                elapsedBefore = state.path("elapsed_seconds").asDouble();
                optimizerState = SafetensorsFile.read(checkpoint.resolve(OPTIMIZER));
            } else {
                if (Files.exists(checkpoint)) {
                    throw new IllegalArgumentException(o.out() + " already holds a checkpoint: use --resume or another --out");
                }
                model = ModelStore.create(config, manager, o.seed());
            }
            try (model) {
                var spec = model.spec();
                CaptionedWorld world = new CaptionedWorld(spec.size(), spec.frames(), spec.fps(), twoObjects);
                WorldDataset data = new WorldDataset(world, o.seed());
                EditPairs editPairs = new EditPairs(world, o.seed());
                TrainStep step = new TrainStep(model.parameters(), TrainSettings.starflow(lr, warmup, o.steps()));
                if (optimizerState != null) {
                    step.optimizer().restore(optimizerState, model.parameters());
                    step.resumeAt(start);
                }
                LossLog log = LossLog.read(o.out().resolve("loss.csv"), start);
                ProgressBar bar = new ProgressBar("train");
                long t0 = System.nanoTime();
                int s = start;
                while (s < o.stopAt() && !stop.get()) {
                    List<WorldDataset.Sample> batch = data.trainingBatch(s, o.batch());
                    List<float[]> clips = new ArrayList<>();
                    List<String> captions = new ArrayList<>();
                    for (WorldDataset.Sample b : batch) {
                        clips.add(b.clip().toModelLayout());
                        captions.add(b.caption());
                    }
                    List<float[]> stills = new ArrayList<>();
                    List<String> stillCaptions = new ArrayList<>();
                    Random frameRng = new Random(o.seed() * 7_000_003L + s);
                    int stillCount = s >= imagesFrom ? images : 0;
                    for (int i = 0; i < stillCount; i++) {
                        WorldDataset.Sample still = data.training(STILLS_OFFSET + (long) s * images + i);
                        int t = frameRng.nextInt(spec.frames());
                        float[] all = still.clip().toModelLayout();
                        int plane = 3 * spec.size() * spec.size();
                        stills.add(java.util.Arrays.copyOfRange(all, t * plane, (t + 1) * plane));
                        stillCaptions.add(still.caption());
                    }
                    List<float[]> shortClips = new ArrayList<>();
                    List<String> shortCaptions = new ArrayList<>();
                    int windowCount = s >= windowsFrom ? windows : 0;
                    for (int i = 0; i < windowCount; i++) {
                        WorldDataset.Sample clip = data.training(WINDOWS_OFFSET + (long) s * windows + i);
                        int t = frameRng.nextInt(spec.frames() - windowFrames + 1);
                        int plane = 3 * spec.size() * spec.size();
                        shortClips.add(java.util.Arrays.copyOfRange(clip.clip().toModelLayout(), t * plane, (t + windowFrames) * plane));
                        shortCaptions.add(clip.caption());
                    }
                    List<float[]> editClips = new ArrayList<>();
                    List<String> editCaptions = new ArrayList<>();
                    int half = spec.frames() / 2;
                    int editCount = s >= editsFrom ? edits : 0;
                    for (int i = 0; i < editCount; i++) {
                        EditPairs.Pair pair = editPairs.pair((long) s * edits + i);
                        int t = frameRng.nextInt(spec.frames() - half + 1);
                        int plane = 3 * spec.size() * spec.size();
                        float[] both = new float[2 * half * plane];
                        System.arraycopy(pair.source().toModelLayout(), t * plane, both, 0, half * plane);
                        System.arraycopy(pair.target().toModelLayout(), t * plane, both, half * plane, half * plane);
                        editClips.add(both);
                        editCaptions.add(TextToVideo.editCaption(pair.instruction()));
                    }
                    Random rng = new Random(o.seed() * 1_000_003L + s);
                    double[] nll = new double[1];
                    TrainStep.Result r = step.run(() -> {
                        NDArray loss = model.trainingLoss(clips, spec.frames(), captions, captionDrop, rng, nll);
                        if (!stills.isEmpty()) {
                            loss = loss.add(model.trainingLoss(stills, 1, stillCaptions, captionDrop, rng, null));
                        }
                        if (!shortClips.isEmpty()) {
                            loss = loss.add(model.trainingLoss(shortClips, windowFrames, shortCaptions, captionDrop, rng, null));
                        }
                        if (!editClips.isEmpty()) {
                            loss = loss.add(model.trainingLoss(editClips, 2 * half, editCaptions, captionDrop, rng, null));
                        }
                        return loss;
                    });
                    double seconds = elapsedBefore + (System.nanoTime() - t0) / 1e9;
                    double bpd = r.skipped() ? Double.NaN : FlowLoss.bitsPerDim(nll[0]);
                    log.add(new LossLog.Row(s, r.loss(), bpd, r.gradNorm(), r.learningRate(), seconds));
                    s++;
                    bar.update((double) (s - start) / Math.max(1, o.stopAt() - start), String.format("step %d/%d loss %.4f bpd %.3f%s", s, o.stopAt(),
                            r.loss(), bpd, r.skipped() ? " (skipped: " + r.reason() + ")" : ""));
                    if (s % o.checkpointEvery() == 0 && s < o.stopAt()) {
                        save(model, step, log, checkpoint, s, seconds, null);
                    }
                }
                double seconds = elapsedBefore + (System.nanoTime() - t0) / 1e9;
                Double heldOut = null;
                if (!stop.get()) {
                    heldOut = heldOutBitsPerDim(model, data);
                }
                save(model, step, log, checkpoint, s, seconds, heldOut);
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

    /** Mean conditional bits/dim on one clip of every held-out triple, English captions. */
    static double heldOutBitsPerDim(TextToVideo model, WorldDataset data) {
        List<WorldDataset.Sample> held = data.heldOut(false, 1);
        double sum = 0;
        for (double b : model.bitsPerDimInBatches(held.stream().map(p -> p.clip().toModelLayout()).toList(),
                model.spec().frames(), held.stream().map(WorldDataset.Sample::caption).toList(), 1234, 4)) {
            sum += b;
        }
        return sum / held.size();
    }

    private void save(TextToVideo model, TrainStep step, LossLog log, Path checkpoint, int s, double seconds,
                      Double heldOut) throws IOException {
        ObjectNode cfg = config.deepCopy();
        ObjectNode card = cfg.with("strom").putObject("card");
        card.put("data", "built-in captioned world (seed " + o.seed() + "), English and German captions, "
                + CaptionedWorld.HELD_OUT.size() + " held-out object/motion/background triples");
        card.put("steps", s);
        card.put("batch", o.batch());
        card.put("train_seconds", Math.round(seconds));
        card.put("parameters", model.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum());
        if (heldOut != null) {
            card.put("heldout_bits_per_dim", heldOut);
        }
        card.put("command", o.command());
        ObjectNode state = JSON.createObjectNode();
        state.put("step", s);
        state.put("seed", o.seed());
        state.put("elapsed_seconds", seconds);
        var optimizer = step.optimizer().state();
        ModelStore.save(checkpoint, model, cfg, Map.of(
                OPTIMIZER, out -> Safetensors.encode(optimizer, Map.of(), out),
                STATE, out -> out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state))));
        log.writeCsv(o.out().resolve("loss.csv"));
        log.writePng(o.out().resolve("loss.png"), "strom train");
    }
}
