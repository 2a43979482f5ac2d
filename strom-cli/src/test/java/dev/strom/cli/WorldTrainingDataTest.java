package dev.strom.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strom.video.Generation;
import dev.strom.video.VideoSpec;
import ai.djl.ndarray.NDManager;
import dev.strom.tensor.Parameters;
import dev.strom.text.HashedTextEncoder;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in world as training data: which parts a step's batch has, and caption contrast among them. */
class WorldTrainingDataTest {

    private static final VideoSpec SPEC = new VideoSpec(8, 16, 8);

    private static ObjectNode train(boolean contrast) {
        ObjectNode t = new ObjectMapper().createObjectNode();
        t.put("images_per_step", 2).put("openings_per_step", 2).put("edits_per_step", 2).put("edit_target_frames", 2);
        if (contrast) {
            t.put("contrast_openings_per_step", 3).put("contrast_edits_per_step", 2).put("contrast_wrong_captions", 3);
        }
        return t;
    }

    @Test
    void contrastAddsOpeningsAndEditsUnderWrongCaptionsWithoutChangingTheOtherParts() {
        List<TrainingData.BatchPart> plain = new WorldTrainingData(train(false), SPEC, 3, 2).batch(7);
        List<TrainingData.BatchPart> with = new WorldTrainingData(train(true), SPEC, 3, 2).batch(7);
        assertEquals(plain.size() + 2, with.size());
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(plain.get(i).captions(), with.get(i).captions(), "part " + i + " is the same data");
            assertArrayEquals(plain.get(i).clips().get(0), with.get(i).clips().get(0));
            assertTrue(!with.get(i).contrasted());
        }
        TrainingData.BatchPart openings = with.get(plain.size());
        assertEquals(2, openings.frames(), "openings: a clip's first two frames");
        assertEquals(3, openings.clips().size());
        TrainingData.BatchPart edits = with.get(plain.size() + 1);
        assertEquals(SPEC.frames() / 2 + 1, edits.frames(), "the source span and the first edited frame");
        for (TrainingData.BatchPart part : List.of(openings, edits)) {
            assertTrue(part.contrasted());
            for (List<String> candidates : part.candidates()) {
                assertEquals(4, candidates.size(), "own caption and three wrong ones");
                assertEquals(4, new HashSet<>(candidates).size(), "all different: " + candidates);
            }
        }
        edits.candidates().forEach(c -> c.forEach(caption -> assertTrue(caption.startsWith(Generation.EDIT_MARKER), caption)));
        assertNotEquals(openings.candidates().get(0).get(0), openings.candidates().get(0).get(1));
        assertEquals(0, openings.scoredFrom(), "an opening is read whole");
        assertEquals(0, edits.scoredFrom(), "by default an edit is read with its source, as stages 4 and 5 were trained");
    }

    @Test
    void contrastClipsAreWholeClipsReadFromALaterFrameAddedAfterEverythingElse() {
        ObjectNode t = train(true).put("contrast_clips_per_step", 2).put("contrast_clips_read_from", 3);
        List<TrainingData.BatchPart> before = new WorldTrainingData(train(true), SPEC, 3, 2).batch(5);
        List<TrainingData.BatchPart> with = new WorldTrainingData(t, SPEC, 3, 2).batch(5);
        assertEquals(before.size() + 1, with.size());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).candidates(), with.get(i).candidates(), "part " + i + " is the same data");
        }
        TrainingData.BatchPart clips = with.get(before.size());
        assertEquals(SPEC.frames(), clips.frames(), "whole clips");
        assertEquals(3, clips.scoredFrom(), "the contrast reads the continuation");
        assertEquals(2, clips.clips().size());
        clips.candidates().forEach(c -> assertEquals(4, new HashSet<>(c).size(), "all different: " + c));
        assertThrows(IllegalArgumentException.class, () -> new WorldTrainingData(train(true).put("contrast_clips_read_from", 0),
                SPEC, 3, 2), "from frame 0 it would be an opening");
        assertThrows(IllegalArgumentException.class, () -> new WorldTrainingData(
                train(true).put("contrast_clips_read_from", SPEC.frames()), SPEC, 3, 2), "no frame left to read");
    }

    @Test
    void editsCanBeReadByTheirFirstEditedFrameAlone() {
        ObjectNode t = train(true).put("contrast_edits_read", "result");
        TrainingData.BatchPart edits = new WorldTrainingData(t, SPEC, 3, 2).batch(7).stream()
                .filter(p -> p.contrasted() && p.frames() == SPEC.frames() / 2 + 1).findFirst().orElseThrow();
        assertEquals(SPEC.frames() / 2, edits.scoredFrom(), "the first edited frame, given the source");
        assertThrows(IllegalArgumentException.class, () -> new WorldTrainingData(train(true).put("contrast_edits_read", "source"),
                SPEC, 3, 2));
    }

    @Test
    void theSameStepGivesTheSameContrastEveryTime() {
        List<TrainingData.BatchPart> a = new WorldTrainingData(train(true), SPEC, 3, 2).batch(11);
        List<TrainingData.BatchPart> b = new WorldTrainingData(train(true), SPEC, 3, 2).batch(11);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).candidates(), b.get(i).candidates(), "a resumed run sees the same captions");
        }
    }

    @Test
    void withNoMotionShareWrongCaptionsChangeOnlyTheObjectOrTheBackground() {
        ObjectNode t = train(true).put("contrast_openings_per_step", 40).put("contrast_motion_share", 0.0);
        TrainingData.BatchPart part = new WorldTrainingData(t, SPEC, 3, 2).batch(2).stream()
                .filter(p -> p.contrasted() && p.frames() == 2).findFirst().orElseThrow();
        for (List<String> c : part.candidates()) {
            assertEquals(4, new HashSet<>(c).size(), "all different: " + c);
            String[] own = c.get(0).split(" ");
            for (String wrong : c.subList(1, 4)) {
                // the object's colour word, article and noun, or the background's colour: the motion words stay
                String[] w = wrong.split(" ");
                assertEquals(own.length, w.length, wrong + " / " + c.get(0));
                int differ = 0;
                for (int i = 0; i < w.length; i++) {
                    differ += w[i].equals(own[i]) ? 0 : 1;
                }
                assertTrue(differ >= 1 && differ <= 3, wrong + " / " + c.get(0));
            }
        }
    }

    @Test
    void moreWrongCaptionsThanOtherMotionsIsRefused() {
        ObjectNode t = train(true).put("contrast_wrong_captions", 9);
        assertThrows(IllegalArgumentException.class, () -> new WorldTrainingData(t, SPEC, 3, 2));
    }

    @Test
    void futureContrastGivesFiveContinuationsPerClipThatShareTheirGivenFramesAndTheTruthComesFirst() {
        ObjectNode t = new ObjectMapper().createObjectNode();
        t.put("future_contrast_per_step", 3).put("future_given_min", 2).put("future_given_max", 5);
        t.putArray("speed_range").add(0.5).add(2.5);
        List<TrainingData.BatchPart> parts = new WorldTrainingData(t, SPEC, 3, 2).batch(4);
        TrainingData.BatchPart future = parts.stream().filter(TrainingData.BatchPart::future).findFirst().orElseThrow();
        assertEquals(5, future.futures());
        assertEquals(3, future.captions().size());
        assertEquals(15, future.clips().size(), "five rows per clip");
        int given = future.scoredFrom();
        assertTrue(given >= 2 && given <= 5, "given " + given);
        int plane = SPEC.dims(1);
        for (int c = 0; c < 3; c++) {
            float[] truth = future.clips().get(5 * c);
            for (int k = 1; k < 5; k++) {
                float[] other = future.clips().get(5 * c + k);
                assertArrayEquals(Arrays.copyOf(truth, given * plane), Arrays.copyOf(other, given * plane),
                        "clip " + c + " candidate " + k + " keeps the given frames");
            }
            float[] held = future.clips().get(5 * c + 1);
            for (int f = given; f < SPEC.frames(); f++) {
                assertArrayEquals(Arrays.copyOfRange(truth, (given - 1) * plane, given * plane),
                        Arrays.copyOfRange(held, f * plane, (f + 1) * plane), "the second candidate holds the last given frame");
            }
        }
        List<float[]> again = new WorldTrainingData(t, SPEC, 3, 2).batch(4).stream()
                .filter(TrainingData.BatchPart::future).findFirst().orElseThrow().clips();
        for (int r = 0; r < 15; r++) {
            assertArrayEquals(future.clips().get(r), again.get(r), "a step's data follows from the seed and the step");
        }
    }

    @Test
    void readingOnlyTheNextFrameDrawsTheSameCandidatesAndLeavesTheCutToTheTrainer() {
        ObjectNode t = new ObjectMapper().createObjectNode();
        t.put("future_contrast_per_step", 2).put("future_given_min", 3).put("future_given_max", 6).put("future_reads", "next");
        t.putArray("future_corruptions").add("held").add("reversed");
        WorldTrainingData nextOnly = new WorldTrainingData(t, SPEC, 3, 2);
        TrainingData.BatchPart next = nextOnly.batch(5).stream().filter(TrainingData.BatchPart::future).findFirst().orElseThrow();
        t.put("future_reads", "continuation");
        WorldTrainingData continuation = new WorldTrainingData(t, SPEC, 3, 2);
        TrainingData.BatchPart whole = continuation.batch(5).stream().filter(TrainingData.BatchPart::future).findFirst().orElseThrow();
        assertTrue(nextOnly.futureReadsNextFrameOnly());
        assertFalse(continuation.futureReadsNextFrameOnly());
        // whole candidates either way: where the cut falls depends on the model (a latent model reads whole flow frames)
        assertEquals(SPEC.frames(), next.frames());
        assertEquals(whole.scoredFrom(), next.scoredFrom(), "the same draw either way");
        for (int r = 0; r < 6; r++) {
            assertArrayEquals(whole.clips().get(r), next.clips().get(r), "row " + r + " is the same candidate");
        }
        t.put("future_reads", "last");
        assertThrows(IllegalArgumentException.class, () -> new WorldTrainingData(t, SPEC, 3, 2));
    }

    @Test
    void aSmearedContinuationKeepsTheObjectWhereItIsAndAddsWhereItWas() {
        ObjectNode t = new ObjectMapper().createObjectNode();
        t.put("future_contrast_per_step", 2).put("future_given_min", 3).put("future_given_max", 3);
        t.putArray("future_corruptions").add("removed").add("smeared");
        TrainingData.BatchPart future = new WorldTrainingData(t, SPEC, 3, 2).batch(2).stream()
                .filter(TrainingData.BatchPart::future).findFirst().orElseThrow();
        assertEquals(3, future.futures());
        for (int c = 0; c < 2; c++) {
            float[] truth = future.clips().get(3 * c);
            float[] removed = future.clips().get(3 * c + 1);
            float[] smeared = future.clips().get(3 * c + 2);
            int objectNow = 0;
            int addedBehind = 0;
            for (int i = 3 * SPEC.dims(1); i < truth.length; i++) {
                boolean object = truth[i] != removed[i];
                if (object) {
                    objectNow++;
                    assertEquals(truth[i], smeared[i], "clip " + c + ": where the object is, it is drawn as it is");
                } else if (smeared[i] != truth[i]) {
                    addedBehind++;
                }
            }
            assertTrue(objectNow > 0, "clip " + c + " has its object after the given frames");
            assertTrue(addedBehind > 0 || Arrays.equals(truth, smeared), "clip " + c + ": a moving object leaves a smear");
        }
        assertTrue(!Arrays.equals(future.clips().get(0), future.clips().get(2)) || !Arrays.equals(future.clips().get(3), future.clips().get(5)),
                "at least one of the two clips moves, so its smear differs from the truth");
    }

    @Test
    void theFutureSettingsAreCheckedOnlyWhenFutureContrastIsAsked() {
        VideoSpec four = new VideoSpec(4, 16, 8);
        ObjectNode plain = new ObjectMapper().createObjectNode();
        new WorldTrainingData(plain, four, 3, 2).batch(0);
        ObjectNode asked = new ObjectMapper().createObjectNode();
        asked.put("future_contrast_per_step", 1);
        assertThrows(IllegalArgumentException.class, () -> new WorldTrainingData(asked, four, 3, 2),
                "four frames leave no room for the default 2..0 given frames");
        asked.put("future_given_max", 2);
        assertEquals(5, new WorldTrainingData(asked, four, 3, 2).batch(0).stream()
                .filter(TrainingData.BatchPart::future).findFirst().orElseThrow().futures(),
                "the truth and, by default, held, reversed, at another speed and the object removed");
    }

    @Test
    void extensionWindowsStartMidClipUnderTheExtendPrefixAndTheTextEncoderReadsIt() {
        ObjectNode t = new ObjectMapper().createObjectNode();
        t.put("extend_windows_per_step", 2);
        List<TrainingData.BatchPart> parts = new WorldTrainingData(t, SPEC, 3, 2).batch(1);
        TrainingData.BatchPart windows = parts.get(parts.size() - 1);
        assertEquals(SPEC.frames(), windows.frames());
        windows.captions().forEach(c -> assertTrue(c.startsWith(Generation.EXTEND_MARKER), c));
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = Parameters.initialised(m, 1);
            HashedTextEncoder text = new HashedTextEncoder(p, HashedTextEncoder.Config.small());
            String caption = windows.captions().get(0).substring(Generation.EXTEND_MARKER.length());
            float[] plain = text.encode(m, List.of(caption)).rows().toFloatArray();
            float[] marked = text.encode(m, List.of(Generation.extendCaption(caption))).rows().toFloatArray();
            assertTrue(!Arrays.equals(plain, marked), "the prefix changes what the model is conditioned on");
        }
    }

    @Test
    void aShareOfTheFullClipsSlipsOutOfShapeAndBackTheSameWayEveryTimeAndNothingElseChanges() {
        ObjectNode t = train(false);
        ObjectNode drifting = train(false).put("shape_drift_share", 1.0);
        VideoSpec sixteen = new VideoSpec(16, 16, 8);
        int steps = 4;
        for (int s = 0; s < steps; s++) {
            List<TrainingData.BatchPart> plain = new WorldTrainingData(t, sixteen, 3, 2).batch(s);
            List<TrainingData.BatchPart> with = new WorldTrainingData(drifting, sixteen, 3, 2).batch(s);
            List<TrainingData.BatchPart> again = new WorldTrainingData(drifting, sixteen, 3, 2).batch(s);
            assertEquals(plain.get(0).captions(), with.get(0).captions(), "the same clips, captioned as they were");
            int frame = 16 * 16 * 3;
            for (int c = 0; c < 2; c++) {
                float[] a = plain.get(0).clips().get(c);
                float[] b = with.get(0).clips().get(c);
                assertArrayEquals(Arrays.copyOf(a, 2 * frame), Arrays.copyOf(b, 2 * frame), "the first two frames keep their shape");
                assertFalse(Arrays.equals(a, b), "with a share of 1 every full clip slips");
                assertArrayEquals(b, again.get(0).clips().get(c), "a resumed run sees the same slips");
            }
            for (int p = 1; p < plain.size(); p++) {
                for (int c = 0; c < plain.get(p).clips().size(); c++) {
                    assertArrayEquals(plain.get(p).clips().get(c), with.get(p).clips().get(c), "stills, openings and edits are untouched");
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new WorldTrainingData(train(false).put("shape_drift_share", 1.5), sixteen, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> new WorldTrainingData(drifting, new VideoSpec(6, 16, 8), 3, 2),
                "a drift needs room: clips of 8 frames at least");
    }

    @Test
    void aShareOfTheFullClipsPausesAndMovesOnTheSameWayEveryTimeAndNothingElseChanges() {
        ObjectNode pausing = train(false).put("pause_share", 1.0);
        VideoSpec sixteen = new VideoSpec(16, 16, 8);
        int frame = 16 * 16 * 3;
        int changed = 0;
        for (int s = 0; s < 4; s++) {
            List<TrainingData.BatchPart> plain = new WorldTrainingData(train(false), sixteen, 3, 2).batch(s);
            List<TrainingData.BatchPart> with = new WorldTrainingData(pausing, sixteen, 3, 2).batch(s);
            List<TrainingData.BatchPart> again = new WorldTrainingData(pausing, sixteen, 3, 2).batch(s);
            assertEquals(plain.get(0).captions(), with.get(0).captions(), "the same clips, captioned as they were");
            for (int c = 0; c < 2; c++) {
                float[] a = plain.get(0).clips().get(c);
                float[] b = with.get(0).clips().get(c);
                assertTrue(repeatsAFrame(b, frame), "with a share of 1 every full clip pauses");
                changed += Arrays.equals(a, b) ? 0 : 1;
                assertArrayEquals(Arrays.copyOf(a, frame), Arrays.copyOf(b, frame), "it starts as it did");
                assertArrayEquals(b, again.get(0).clips().get(c), "a resumed run sees the same pauses");
            }
            for (int p = 1; p < plain.size(); p++) {
                for (int c = 0; c < plain.get(p).clips().size(); c++) {
                    assertArrayEquals(plain.get(p).clips().get(c), with.get(p).clips().get(c), "stills, openings and edits are untouched");
                }
            }
        }
        assertTrue(changed >= 6, "of 8 clips, all but still ones look other than they did: " + changed);
        assertThrows(IllegalArgumentException.class, () -> new WorldTrainingData(train(false).put("pause_share", -0.1), sixteen, 3, 2));
    }

    /** Whether two frames in a row of a clip (model layout) are the same. */
    private static boolean repeatsAFrame(float[] clip, int frame) {
        for (int t = 1; t < clip.length / frame; t++) {
            if (Arrays.equals(Arrays.copyOfRange(clip, (t - 1) * frame, t * frame), Arrays.copyOfRange(clip, t * frame, (t + 1) * frame))) {
                return true;
            }
        }
        return false;
    }
}
