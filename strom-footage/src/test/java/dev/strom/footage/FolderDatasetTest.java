package dev.strom.footage;

import dev.strom.media.MediaDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.Collections;

class FolderDatasetTest {

    static final Preprocessing TINY = Preprocessing.of(16, 8, 4, MediaDecoder.Fit.CROP);

    @TempDir
    Path folder;

    private static Map<String, String> reasons(FolderDataset d) {
        Map<String, String> out = new TreeMap<>();
        d.skipped().forEach(s -> out.put(s.file(), s.reason()));
        return out;
    }

    @Test
    void brokenFilesAreSkippedWithOneWarningEachAndTheRestTrains() throws IOException {
        TestFootage.fillWithGoodAndBrokenFiles(folder);
        List<String> warnings = new ArrayList<>();

        FolderDataset d = FolderDataset.load(folder, TINY, warnings::add);

        Map<String, String> skipped = reasons(d);
        assertEquals(List.of("broken.mp4", "quiet.mp4", "tiny.png"), List.copyOf(skipped.keySet()));
        assertEquals("not a readable video or image: broken.mp4", skipped.get("broken.mp4"));
        assertEquals("empty caption", skipped.get("quiet.mp4"));
        assertEquals("1x1 is smaller than 8x8", skipped.get("tiny.png"));
        assertEquals(3, warnings.size());
        assertTrue(warnings.get(0).startsWith("skipped broken.mp4: "), warnings.get(0));

        List<FolderDataset.Item> all = new ArrayList<>(d.train());
        all.addAll(d.heldOut());
        assertEquals(7, all.size(), "three 8-frame clips give two 4-frame windows each, the image one frame");
        assertFalse(d.heldOut().isEmpty(), "at least one file is held out");
        assertTrue(d.train().stream().noneMatch(t -> d.heldOut().stream().anyMatch(h -> h.file().equals(t.file()))),
                "a held-out file has no window in training");
        FolderDataset.Item image = all.stream().filter(i -> i.file().equals("red.png")).findFirst().orElseThrow();
        assertEquals(1, image.clip().frames(), "an image trains as a one-frame clip");
        assertEquals(16, image.clip().width());
        assertEquals("a red wall", image.caption());
        assertEquals("an apple moving left, on blue",
                all.stream().filter(i -> i.file().equals("clip0.mp4")).findFirst().orElseThrow().caption());
        assertEquals("an apple moving left on black",
                all.stream().filter(i -> i.file().equals("clip2.mp4")).findFirst().orElseThrow().caption());
        assertTrue(d.summary().contains("3 videos and 1 images"), d.summary());
        assertTrue(d.summary().contains("3 skipped"), d.summary());
    }

    @Test
    void eachTrainingVideoJoinsItsWindowsBackIntoTheFramesTheyWereCutFrom() throws IOException {
        TestFootage.fillWithGoodAndBrokenFiles(folder);
        FolderDataset tiled = FolderDataset.load(folder, TINY, w -> { });
        // windows of 4 frames two frames apart: 0-3, 2-5, 4-7
        FolderDataset overlapping = FolderDataset.load(folder, new Preprocessing(16, 8, 4, MediaDecoder.Fit.CROP, 2), w -> { });

        List<FolderDataset.Item> videos = tiled.trainingVideos();
        assertEquals(tiled.train().stream().filter(i -> i.clip().frames() > 1).map(FolderDataset.Item::file).distinct().toList(),
                videos.stream().map(FolderDataset.Item::file).toList(), "one per training video, in order; no image");
        for (FolderDataset.Item video : videos) {
            assertEquals(8, video.clip().frames(), "two 4-frame windows");
            List<FolderDataset.Item> windows = tiled.train().stream().filter(i -> i.file().equals(video.file())).toList();
            assertArrayEquals(windows.get(1).clip().rgb(), video.clip().window(4, 4).rgb(), video.file());
            FolderDataset.Item same = overlapping.trainingVideos().stream().filter(i -> i.file().equals(video.file()))
                    .findFirst().orElseThrow();
            assertArrayEquals(video.clip().rgb(), same.clip().rgb(), "overlapping windows join to the same frames");
            assertEquals(video.caption(), same.caption());
        }
    }

    @Test
    void aSecondLoadDecodesNothingAndAChangedFileIsDecodedAgain() throws IOException {
        TestFootage.fillWithGoodAndBrokenFiles(folder);
        FolderDataset first = FolderDataset.load(folder, TINY, w -> { });
        assertEquals(6, first.decoded(), "every captioned file is decoded once (the empty caption never is)");

        FolderDataset second = FolderDataset.load(folder, TINY, w -> { });

        assertEquals(0, second.decoded());
        assertEquals(6, second.cached());
        assertEquals(reasons(first), reasons(second), "skipped files are remembered too");
        assertEquals(first.train().size(), second.train().size());
        for (int i = 0; i < first.train().size(); i++) {
            assertArrayEquals(first.train().get(i).clip().rgb(), second.train().get(i).clip().rgb(), "cached pixels are exact");
        }
        assertTrue(Files.isRegularFile(folder.resolve(ShardCache.DIR).resolve(TINY.key()).resolve("shard-000.safetensors")));

        Files.setLastModifiedTime(folder.resolve("clip1.mp4"), FileTime.fromMillis(1_000_000L));
        FolderDataset third = FolderDataset.load(folder, TINY, w -> { });
        assertEquals(1, third.decoded(), "only the touched file");

        FolderDataset otherShape = FolderDataset.load(folder, Preprocessing.of(8, 8, 2, MediaDecoder.Fit.PAD), w -> { });
        assertEquals(6, otherShape.decoded(), "another preprocessing has its own cache");
        assertEquals(2, otherShape.train().get(0).clip().frames());
    }

    private static List<String> reversedCopy(List<String> names) {
        List<String> r = new ArrayList<>(names);
        Collections.reverse(r);
        return r;
    }

    @Test
    void theHeldOutSplitDependsOnlyOnFileNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 40; i++) names.add("clip" + i + ".mp4");

        var held = HeldOutSplit.of(names);
        var again = HeldOutSplit.of(reversedCopy(names));

        assertEquals(held, again);
        assertTrue(held.size() >= 1 && held.size() <= 10, "about one in ten: " + held.size());
        assertEquals(1, HeldOutSplit.of(List.of("a.mp4", "b.mp4")).size());
        assertThrows(IllegalArgumentException.class, () -> HeldOutSplit.of(List.of("only.mp4")));
    }

    @Test
    void aFolderThatDoesNotExistIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FolderDataset.load(folder.resolve("missing"), TINY, w -> { }));
        assertTrue(e.getMessage().startsWith("not a folder: "), e.getMessage());
    }
}
