package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strom.data.Clip;
import dev.strom.data.Continuations;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Captions;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Thing;
import dev.strom.data.world.EditPairs;
import dev.strom.data.world.Motion;
import dev.strom.data.world.ShapeDrift;
import dev.strom.data.world.Scene;
import dev.strom.data.world.WorldDataset;
import dev.strom.store.ModelVocabulary;
import dev.strom.text.Vocabulary;
import dev.strom.video.Generation;
import dev.strom.video.VideoModel;
import dev.strom.video.VideoSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * The built-in captioned world: full clips, plus (from a given step) stills as one-frame clips, short
 * windows and editing pairs, and openings, edits and whole clips for caption contrast, as the train section asks. Sample indices and the frame-picking generator are those the bundled
 * model was trained with; changing them changes its reproduction.
 */
final class WorldTrainingData implements TrainingData {

    private static final long STILLS_OFFSET = 1L << 40;
    private static final long WINDOWS_OFFSET = 2L << 40;
    private static final long OPENINGS_OFFSET = 3L << 40;
    private static final long CONTRAST_OFFSET = 4L << 40;
    private static final long CONTRAST_CLIPS_OFFSET = 5L << 40;
    private static final long FUTURE_OFFSET = 6L << 40;
    private static final long EXTEND_OFFSET = 7L << 40;
    private static final long DRIFT_OFFSET = 8L << 40;
    private static final long PAUSE_OFFSET = 9L << 40;
    private static final int VOCABULARY_SAMPLES = 20_000;
    private static final int VOCABULARY_EDITS = 200;

    private final WorldDataset data;
    /** The classic world's held-out clips, whatever the training world: held-out figures stay comparable. */
    private final WorldDataset heldOut;
    /** Clips twice the training length, for windows that start anywhere (future contrast, extension windows). */
    private final WorldDataset longer;
    private final VideoSpec spec;
    private final long seed;
    private final int batch;
    private final int images;
    private final int imagesFrom;
    private final int windows;
    private final int windowFrames;
    private final int windowsFrom;
    private final int openings;
    private final int openingFrames;
    private final int openingsFrom;
    private final EditPairs editPairs;
    private final int edits;
    private final int editsFrom;
    private final int editTargetFrames;
    private final int contrastOpenings;
    private final int contrastEdits;
    private final boolean contrastEditResultOnly;
    private final int contrastClips;
    private final int contrastClipsFrom;
    private final int wrongCaptions;
    private final double motionShare;
    private final FutureContrastSettings future;
    private final ExtendWindowSettings extend;
    private final float fullClipWeight;
    private final double shapeDriftShare;
    private final double pauseShare;

    WorldTrainingData(JsonNode train, VideoSpec spec, long seed, int batch) {
        double twoObjects = train.path("two_object_share").asDouble(0.15);
        CaptionedWorld classic = new CaptionedWorld(spec.size(), spec.frames(), spec.fps(), twoObjects);
        // Per-clip speeds (px a frame) for objects moving left, right, up or down, free to leave the picture unless
        // speeds_in_frame: with the classic world's nearly fixed speed, the caption tells the velocity and the
        // frames never need reading.
        JsonNode speeds = train.path("speed_range");
        CaptionedWorld world = classic;
        if (speeds.isArray() && speeds.size() == 2) {
            double min = speeds.get(0).asDouble();
            double max = speeds.get(1).asDouble();
            world = train.path("speeds_in_frame").asBoolean(false) ? classic.withSpeedsInFrame(min, max) : classic.withSpeeds(min, max);
        }
        // A smaller world (some motions only), for telling a recipe that fails from a model too small for it.
        if (train.path("motions").isArray()) {
            List<Motion> only = new ArrayList<>();
            for (JsonNode m : train.path("motions")) {
                only.add(Motion.fromName(m.asText()));
            }
            world = world.withMotions(only);
        }
        this.data = new WorldDataset(world, seed);
        this.heldOut = new WorldDataset(classic, seed);
        this.longer = new WorldDataset(world.withFrames(2 * spec.frames()), seed ^ 0x10_6E_57L);
        this.spec = spec;
        this.seed = seed;
        this.batch = batch;
        // Stills train as one-frame clips beside the videos (as STARFlow-V trains on text-image pairs too):
        // in a still, the caption decides most of what is seen, so the text is learned much faster.
        this.images = train.path("images_per_step").asInt(0);
        this.imagesFrom = train.path("images_from_step").asInt(0);
        // Short windows of a clip: the caption's motion words only pay off in the first frames of a clip (after
        // that the motion can be read from the frames already seen), so windows give the text more signal per FLOP.
        this.windows = train.path("windows_per_step").asInt(0);
        this.windowFrames = train.path("window_frames").asInt(4);
        this.windowsFrom = train.path("windows_from_step").asInt(0);
        // Openings: a clip's first frames. Under teacher forcing the caption's motion words pay off only where
        // the motion is not yet visible, that is where a clip starts (its placement, its first step), so openings
        // spend the compute where the text decides most.
        this.openings = train.path("openings_per_step").asInt(0);
        this.openingFrames = train.path("opening_frames").asInt(2);
        this.openingsFrom = train.path("openings_from_step").asInt(0);
        // Editing examples (STARFlow-V's v2v scheme): half a window of a clip, then the same span with one thing
        // changed, captioned "(v2v) <instruction>".
        this.editPairs = new EditPairs(data.world(), seed);
        this.edits = train.path("edits_per_step").asInt(0);
        this.editsFrom = train.path("edits_from_step").asInt(0);
        // The instruction decides the first edited frame; later ones follow from it, so a few target frames
        // after the source carry nearly all of the example's signal at a fraction of its cost.
        this.editTargetFrames = train.path("edit_target_frames").asInt(spec.frames() / 2);
        // Caption contrast (see TrainingObjective.captionContrast): openings under their own caption and under captions
        // naming another motion (a share contrast_motion_share of them) or another object or background, and an
        // edit's source with its first target frame under the true instruction and under instructions asking for
        // other results. The likelihood barely rewards these decisions; contrast does.
        this.contrastOpenings = train.path("contrast_openings_per_step").asInt(0);
        this.contrastEdits = train.path("contrast_edits_per_step").asInt(0);
        // Read an edit's first edited frame given its source ("result"), not the source too: every instruction
        // fits the source equally, so what the source's likelihood adds is noise. Stages 4 and 5 read both.
        String editsRead = train.path("contrast_edits_read").asText("source_and_result");
        if (!editsRead.equals("result") && !editsRead.equals("source_and_result")) {
            throw new IllegalArgumentException("contrast_edits_read must be result or source_and_result, not " + editsRead);
        }
        this.contrastEditResultOnly = editsRead.equals("result");
        // Whole clips read from a later frame on: does the text keep the object going the named way (and being the
        // named object) once the opening is seen? Contrast on openings leaves the later frames free to ignore the
        // words, and over a whole clip they came to favour wrong ones slightly.
        this.contrastClips = train.path("contrast_clips_per_step").asInt(0);
        this.contrastClipsFrom = train.path("contrast_clips_read_from").asInt(2);
        this.wrongCaptions = train.path("contrast_wrong_captions").asInt(3);
        this.motionShare = train.path("contrast_motion_share").asDouble(1);
        // Future contrast: a window from anywhere in a longer clip; given its first frames, the true continuation
        // against the last frame held, the motion reversed, at another speed and with the object gone, all under the
        // same caption and noise draw (see TrainingObjective.futureContrast).
        // "smeared" (the object stretched along its way) is there to be asked for; the usual four are the default
        this.future = FutureContrastSettings.of(train, spec.frames(), List.of("held", "reversed", "speed", "removed", "smeared"),
                List.of("held", "reversed", "speed", "removed"));
        // Extension windows (STARFlow-V's "(extend) " examples): a window that starts mid-clip, so the velocity has
        // to be read off the frames rather than from where clips start.
        this.extend = ExtendWindowSettings.of(train, spec.frames());
        // How much a full clip counts: every frame of it carries velocity, which openings and stills do not.
        this.fullClipWeight = (float) train.path("full_clip_weight").asDouble(1);
        // A share of the full clips whose object slips out of shape and back (ShapeDrift): a model trained on real
        // pasts alone never sees a slip mended, and its samples' slips go on from frame to frame.
        this.shapeDriftShare = train.path("shape_drift_share").asDouble(0);
        if (shapeDriftShare < 0 || shapeDriftShare > 1 || shapeDriftShare > 0 && spec.frames() < 8) {
            throw new IllegalArgumentException("shape_drift_share must be in [0, 1], and needs clips of at least 8 frames");
        }
        // A share of the full clips that pause and move on (Pause): the prediction says "still" and the truth moves.
        this.pauseShare = TrainingData.pauseShare(train, spec.frames());
        if (wrongCaptions < 1 || wrongCaptions >= Motion.values().length) {
            throw new IllegalArgumentException("contrast_wrong_captions must be in 1.." + (Motion.values().length - 1));
        }
        if (openingFrames < 1 || openingFrames > spec.frames() || editTargetFrames < 1 || editTargetFrames > spec.frames() / 2) {
            throw new IllegalArgumentException("opening_frames must be in 1.." + spec.frames() + ", edit_target_frames in 1.." + spec.frames() / 2);
        }
        if (contrastClipsFrom < 1 || contrastClipsFrom >= spec.frames()) {
            throw new IllegalArgumentException("contrast_clips_read_from must be in 1.." + (spec.frames() - 1));
        }
    }

    @Override
    public List<BatchPart> batch(int s) {
        List<float[]> clips = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        Random driftRng = new Random(seed * 1_000_033L + s ^ DRIFT_OFFSET);
        Random pauseRng = new Random(seed * 1_000_037L + s ^ PAUSE_OFFSET);
        for (WorldDataset.Sample b : data.trainingBatch(s, batch)) {
            boolean drifts = shapeDriftShare > 0 && driftRng.nextDouble() < shapeDriftShare;
            Clip clip = drifts ? data.world().render(b.scene(), ShapeDrift.random(driftRng, spec.frames())) : b.clip();
            clips.add(TrainingData.maybePaused(clip, pauseShare, pauseRng).toModelLayout());
            captions.add(b.caption());
        }
        List<BatchPart> parts = new ArrayList<>(List.of(new BatchPart(clips, spec.frames(), captions).weighted(fullClipWeight)));
        Random frameRng = new Random(seed * 7_000_003L + s);
        // stills and windows start at a random frame (drawn in this order, stills first), openings at frame 0
        addExcerpts(parts, s >= imagesFrom ? images : 0, STILLS_OFFSET, s, 1, () -> frameRng.nextInt(spec.frames()), null, 0);
        addExcerpts(parts, s >= windowsFrom ? windows : 0, WINDOWS_OFFSET, s, windowFrames,
                () -> frameRng.nextInt(spec.frames() - windowFrames + 1), null, 0);
        addExcerpts(parts, s >= openingsFrom ? openings : 0, OPENINGS_OFFSET, s, openingFrames, () -> 0, null, 0);
        List<float[]> editClips = new ArrayList<>();
        List<String> editCaptions = new ArrayList<>();
        int half = spec.frames() / 2;
        int editCount = s >= editsFrom ? edits : 0;
        for (int i = 0; i < editCount; i++) {
            EditPairs.Pair pair = editPairs.pair((long) s * edits + i);
            int t = frameRng.nextInt(spec.frames() - half + 1);
            editClips.add(pair.excerpt(t, half, editTargetFrames));
            editCaptions.add(Generation.editCaption(pair.instruction()));
        }
        if (!editClips.isEmpty()) {
            parts.add(new BatchPart(editClips, half + editTargetFrames, editCaptions));
        }
        Random wrongRng = new Random(seed * 9_000_011L + s);
        WrongCaptions wrong = (index, sample) ->
                wrongScenes(sample.scene(), wrongRng).stream().map(o -> data.trainingCaption(index, o)).toList();
        addExcerpts(parts, contrastOpenings, CONTRAST_OFFSET, s, openingFrames, () -> 0, wrong, 0);
        addContrastEdits(parts, s, frameRng, wrongRng);
        addExcerpts(parts, contrastClips, CONTRAST_CLIPS_OFFSET, s, spec.frames(), () -> 0, wrong, contrastClipsFrom);
        Random futureRng = new Random(seed * 11_000_027L + s);
        addFutures(parts, s, futureRng);
        addExtendWindows(parts, s, futureRng);
        return parts;
    }

    /**
     * Future contrast examples: per clip, a window of the training length from a random start of a longer clip, a
     * random number of given frames, and candidates for what follows: the truth, then the corruptions the train
     * section names (by default the first four): the last given frame held, the motion reversed, the motion at
     * double or half speed, the primary object gone, and the primary object smeared along its way.
     */
    private void addFutures(List<BatchPart> parts, int s, Random rng) {
        if (future.perStep() == 0) {
            return;
        }
        int w = spec.frames();
        List<float[]> rows = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        int given = future.given(rng);
        for (int i = 0; i < future.perStep(); i++) {
            WorldDataset.Sample sample = longer.training(FUTURE_OFFSET + (long) s * future.perStep() + i);
            Clip clip = sample.clip();
            int start = rng.nextInt(clip.frames() - w + 1);
            Clip truth = clip.window(start, w);
            Scene scene = sample.scene();
            Scene without = new Scene(scene.actors().subList(1, scene.actors().size()), scene.background());
            // the window with the primary object gone, rendered once for the corruptions that read it
            Clip empty = future.corruptions().contains("removed") || future.corruptions().contains("smeared")
                    ? longer.world().render(without).window(start, w) : null;
            rows.add(truth.toModelLayout());
            double rate = rng.nextBoolean() ? 2 : 0.5;
            for (String kind : future.corruptions()) {
                Clip wrong = switch (kind) {
                    case "held" -> Continuations.held(truth, given);
                    case "reversed" -> Continuations.reversed(truth, given);
                    case "speed" -> Continuations.atSpeed(clip, start, w, given, rate);
                    case "smeared" -> Continuations.smeared(truth, empty, given);
                    default -> Continuations.splice(truth, empty, given);
                };
                rows.add(wrong.toModelLayout());
            }
            captions.add(sample.caption());
        }
        if (!captions.isEmpty()) {
            parts.add(BatchPart.future(rows, w, captions, future.candidates(), given));
        }
    }

    /**
     * Extension windows: a window of the training length (plus {@code extend_lead_frames}, which a latent model
     * encodes and drops, so its window starts with a latent frame of four) from a random start after frame 0 of a
     * longer clip.
     */
    private void addExtendWindows(List<BatchPart> parts, int s, Random rng) {
        int w = extend.length(spec.frames());
        List<float[]> clips = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < extend.perStep(); i++) {
            WorldDataset.Sample sample = longer.training(EXTEND_OFFSET + (long) s * extend.perStep() + i);
            int start = 1 + rng.nextInt(sample.clip().frames() - w);
            clips.add(sample.clip().window(start, w).toModelLayout());
            captions.add(Generation.extendCaption(sample.caption()));
        }
        if (!clips.isEmpty()) {
            parts.add(new BatchPart(clips, w, captions));
        }
    }

    /**
     * Scenes that differ from {@code scene} in one attribute of its primary object, {@code wrongCaptions} of them,
     * distinct: another motion for a share {@code contrast_motion_share} of them (what the text decides least
     * well), else another object or background (visible ones only).
     */
    private List<Scene> wrongScenes(Scene scene, Random rng) {
        List<Scene> motions = CaptionedWorld.otherMotions(scene);
        Collections.shuffle(motions, rng);
        if (motionShare >= 1) {
            return motions.subList(0, wrongCaptions);
        }
        List<Scene> looks = new ArrayList<>(CaptionedWorld.otherObjects(scene));
        looks.addAll(CaptionedWorld.otherBackgrounds(scene));
        Collections.shuffle(looks, rng);
        List<Scene> out = new ArrayList<>();
        while (out.size() < wrongCaptions) {
            boolean motion = looks.isEmpty() || !motions.isEmpty() && rng.nextDouble() < motionShare;
            out.add((motion ? motions : looks).remove(0));
        }
        return out;
    }

    private void addContrastEdits(List<BatchPart> parts, int s, Random frameRng, Random rng) {
        int half = spec.frames() / 2;
        List<float[]> clips = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<List<String>> wrong = new ArrayList<>();
        for (int i = 0; i < contrastEdits; i++) {
            EditPairs.Pair pair = editPairs.pair(CONTRAST_OFFSET + (long) s * contrastEdits + i);
            int t = frameRng.nextInt(spec.frames() - half + 1);
            // the source span and the first edited frame: where the instruction decides
            clips.add(pair.excerpt(t, half, 1));
            captions.add(Generation.editCaption(pair.instruction()));
            wrong.add(pair.wrongInstructions(wrongCaptions, rng).stream().map(Generation::editCaption).toList());
        }
        if (!clips.isEmpty()) {
            parts.add(new BatchPart(clips, half + 1, captions, wrong, contrastEditResultOnly ? half : 0));
        }
    }

    /** Wrong captions for training sample {@code index}, for caption contrast. */
    @FunctionalInterface
    private interface WrongCaptions {
        List<String> of(long index, WorldDataset.Sample sample);
    }

    /**
     * Adds a part of {@code count} excerpts of {@code frames} frames, from training samples numbered after
     * {@code offset} for step s, each starting where {@code start} says, with wrong captions for caption
     * contrast (read from frame {@code scoredFrom}) if {@code wrong} is given; nothing when count is 0.
     */
    private void addExcerpts(List<BatchPart> parts, int count, long offset, int s, int frames, IntSupplier start,
                             WrongCaptions wrong, int scoredFrom) {
        int plane = 3 * spec.size() * spec.size();
        List<float[]> clips = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<List<String>> wrongCaptions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long index = offset + (long) s * count + i;
            WorldDataset.Sample sample = data.training(index);
            int t = start.getAsInt();
            clips.add(Arrays.copyOfRange(sample.clip().toModelLayout(), t * plane, (t + frames) * plane));
            captions.add(sample.caption());
            if (wrong != null) {
                wrongCaptions.add(wrong.of(index, sample));
            }
        }
        if (!clips.isEmpty()) {
            parts.add(new BatchPart(clips, frames, captions, wrongCaptions, scoredFrom));
        }
    }

    /** Mean conditional bits/dim on one clip of every held-out triple, English captions. */
    @Override
    public double heldOutBitsPerDim(VideoModel model) {
        List<WorldDataset.Sample> held = heldOut.heldOut(false, 1);
        double sum = 0;
        for (double b : model.likelihood().bitsPerDim(held.stream().map(p -> p.clip().toModelLayout()).toList(),
                model.spec().frames(), held.stream().map(WorldDataset.Sample::caption).toList(), 1234)) {
            sum += b;
        }
        return sum / held.size();
    }

    @Override
    public boolean futureReadsNextFrameOnly() {
        return future.nextFrameOnly();
    }

    @Override
    public String description() {
        return "built-in captioned world (seed " + seed + "), English and German captions, "
                + CaptionedWorld.HELD_OUT.size() + " held-out object/motion/background triples";
    }

    /**
     * The captions of the run's first {@value #VOCABULARY_SAMPLES} training samples (every template of every
     * object, motion and background comes many times in them), the editing instructions when the run trains edits,
     * and the world's ground truth of what can be drawn.
     */
    @Override
    public ModelVocabulary vocabulary() {
        List<String> captions = new ArrayList<>();
        for (long i = 0; i < VOCABULARY_SAMPLES; i++) {
            captions.add(data.trainingCaption(i));
        }
        if (edits > 0 || contrastEdits > 0) {
            for (long i = 0; i < VOCABULARY_EDITS; i++) {
                EditPairs.Pair pair = editPairs.pair(i);
                captions.add(Generation.editCaption(pair.instruction()));
                pair.otherInstructions().forEach(o -> captions.add(Generation.editCaption(o)));
            }
        }
        if (extend.perStep() > 0) {
            captions.add(Generation.extendCaption(""));
        }
        List<ModelVocabulary.Drawn> objects = Arrays.stream(Thing.values())
                .map(t -> new ModelVocabulary.Drawn(t.english(), t.hue().english())).toList();
        List<String> motions = data.world().motions().stream().map(Motion::english).toList();
        List<String> backgrounds = CaptionedWorld.BACKGROUNDS.stream().map(Hue::english).toList();
        ModelVocabulary.CanDraw canDraw = new ModelVocabulary.CanDraw(objects, motions, backgrounds,
                "one object (sometimes two) on a plain background, each object always in its own colour, "
                        + "never on a background of that colour; English or German");
        List<String> examples = new ArrayList<>();
        for (Scene.Combo c : List.of(new Scene.Combo(Thing.APPLE, Motion.LEFT, Hue.BLUE),
                new Scene.Combo(Thing.STAR, Motion.GROW, Hue.BLACK), new Scene.Combo(Thing.FISH, Motion.DOWN, Hue.GREEN),
                new Scene.Combo(Thing.CAR, Motion.RIGHT, Hue.GRAY))) {
            if (data.world().motions().contains(c.motion())) {
                String colour = c.thing().hue().english();
                examples.add((colour.matches("[aeiou].*") ? "an " : "a ") + colour + " " + c.thing().english() + " "
                        + c.motion().english() + " on a " + c.background().english() + " background");
            }
        }
        examples.add(Captions.german(data.world().scene(new Scene.Combo(Thing.HEART, Motion.SPIN, Hue.PURPLE), 0), new Random(seed)));
        return new ModelVocabulary(Vocabulary.of(captions), canDraw, examples);
    }
}
