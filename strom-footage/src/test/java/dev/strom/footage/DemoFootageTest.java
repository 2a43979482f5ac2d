package dev.strom.footage;

import dev.strom.data.Clip;
import dev.strom.media.MediaDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo footage is a captioned folder that trains as it is, and the same options write the same bytes. */
class DemoFootageTest {

    /** One variant of each kind, one second each: the whole folder's shape in a second or two. */
    private static final DemoFootage.Options SMALL = new DemoFootage.Options(1, 1);

    @TempDir
    Path dir;

    @Test
    void aSmallRunWritesOneClipOfEachKindFourStillsAndTheirCaptions() throws IOException {
        Path folder = dir.resolve("footage");

        List<DemoFootage.Entry> written = DemoFootage.write(folder, SMALL);

        List<String> expected = List.of("testsrc2-0.mp4", "mandelbrot-0.mp4", "life-0.mp4", "cellauto-0.mp4", "gradients-0.mp4",
                "testsrc2-0-still.png", "mandelbrot-0-still.png", "life-0-still.png", "cellauto-0-still.png");
        assertEquals(expected, written.stream().map(DemoFootage.Entry::file).toList());
        List<String> wanted = new ArrayList<>(expected);
        wanted.add("captions.csv");
        Collections.sort(wanted);
        assertEquals(wanted, files(folder), "the clips, the stills and captions.csv, nothing else");

        FolderCaptions captions = FolderCaptions.read(folder);
        for (DemoFootage.Entry e : written) {
            assertEquals(e.caption(), captions.of(e.file()), e.file());
        }
        assertEquals("the game of life, red cells on black", captions.of("life-0.mp4"), "a caption with a comma survives CSV");
        assertEquals("a still of a mandelbrot fractal zooming in on black", captions.of("mandelbrot-0-still.png"));

        Clip clip = MediaDecoder.storedPixels(folder.resolve("gradients-0.mp4"));
        assertEquals(8, clip.frames(), "one second at 8 fps");
        assertEquals(96, clip.width());
        assertEquals(64, clip.height());
    }

    @Test
    void theFolderTrainsWithNothingSkipped() throws IOException {
        Path folder = dir.resolve("footage");
        DemoFootage.write(folder, SMALL);
        List<String> warnings = new ArrayList<>();

        FolderDataset data = FolderDataset.load(folder, Preprocessing.of(16, 8, 4, MediaDecoder.Fit.CROP), warnings::add);

        assertEquals(List.of(), warnings);
        assertTrue(data.summary().contains("5 videos and 4 images"), data.summary());
        assertEquals(5 * 2 + 4, data.train().size() + data.heldOut().size(), "two 4-frame windows per clip, one per still");
        assertTrue(data.train().stream().anyMatch(i -> i.caption().startsWith("cellular automaton rule 18")));
    }

    @Test
    void twoRunsWriteIdenticalFiles() throws IOException {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");

        DemoFootage.write(first, SMALL);
        DemoFootage.write(second, SMALL);

        List<String> names = files(first);
        assertEquals(names, files(second));
        for (String name : names) {
            assertArrayEquals(Files.readAllBytes(first.resolve(name)), Files.readAllBytes(second.resolve(name)), name);
        }
    }

    @Test
    void theFullFolderIsTwentyClipsOfFourSecondsAndFourStills() {
        List<DemoFootage.Source> sources = DemoFootage.sources(DemoFootage.Options.FULL.variants());
        assertEquals(20, sources.size());
        assertEquals(32, DemoFootage.Options.FULL.frames(), "4 s at 8 fps");
        assertEquals(20, sources.stream().map(DemoFootage.Source::filter).distinct().count(), "every clip differs");
        assertEquals(List.of("testsrc2-3", "mandelbrot-3", "life-3", "cellauto-3", "gradients-3"),
                sources.stream().map(DemoFootage.Source::name).filter(n -> n.endsWith("-3")).toList());
    }

    @Test
    void itWritesOnlyIntoANewOrEmptyFolder() throws IOException {
        Path used = Files.createDirectories(dir.resolve("used"));
        Files.writeString(used.resolve("captions.csv"), "file,caption\nmine.mp4,my own clip\n");
        IllegalArgumentException notEmpty = assertThrows(IllegalArgumentException.class, () -> DemoFootage.write(used, SMALL));
        assertTrue(notEmpty.getMessage().contains("is not empty"), notEmpty.getMessage());
        assertEquals("file,caption\nmine.mp4,my own clip\n", Files.readString(used.resolve("captions.csv")), "left as it was");

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        IllegalArgumentException notFolder = assertThrows(IllegalArgumentException.class, () -> DemoFootage.write(file, SMALL));
        assertTrue(notFolder.getMessage().startsWith("not a folder: "), notFolder.getMessage());

        assertThrows(IllegalArgumentException.class, () -> new DemoFootage.Options(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new DemoFootage.Options(5, 1));
        assertThrows(IllegalArgumentException.class, () -> new DemoFootage.Options(1, 0));
    }

    private static List<String> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
