package dev.strom.pipeline;

import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;
import dev.strom.media.MediaDecoder;
import dev.strom.provenance.SigningIdentity;
import dev.strom.provenance.Verification;
import dev.strom.provenance.Verifier;
import dev.strom.provenance.WatermarkPayload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.strom.store.ModelStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one path, with the bundled model: footage in at the model's size, a clip made, read back and delivered. */
class VideoPipelineTest {

    private static final Path BUNDLED = Path.of(System.getProperty("strom.home", "..")).resolve("models").resolve("world-32");
    private static final String PROMPT = "a red apple moving left on a blue background";

    private static VideoPipeline pipeline;

    @BeforeAll
    static void load() throws IOException {
        pipeline = VideoPipeline.open(BUNDLED);
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    @Test
    void aModelIsNamedAfterItsDirectoryAndATrainingRunAfterTheRun(@TempDir Path dir) throws IOException {
        assertEquals("world-32", pipeline.name());
        assertEquals("strom-world-32", pipeline.apiId());
        Path checkpoint = Files.createDirectories(dir.resolve("my-run").resolve(ModelStore.CHECKPOINT));
        for (String f : new String[]{ModelStore.CONFIG, ModelStore.WEIGHTS}) {
            Files.copy(BUNDLED.resolve(f), checkpoint.resolve(f));
        }
        try (VideoPipeline run = VideoPipeline.open(dir.resolve("my-run"))) {
            assertEquals("my-run", run.name(), "the run's directory opens its checkpoint");
        }
    }

    @Test
    void theSameRequestMakesTheSameClipAtTheModelsSizeAndRate() {
        VideoRequest r = new VideoRequest(Mode.TEXT, PROMPT, 7, 4, pipeline.defaults(), null, null);
        Clip a = pipeline.make(r, null);
        assertEquals(4, a.frames());
        assertEquals(pipeline.spec().size(), a.width());
        assertEquals(pipeline.spec().fps(), a.fps());
        assertArrayEquals(a.rgb(), pipeline.make(r, null).rgb());
    }

    @Test
    void footageFromElsewhereIsReadAtTheModelsSizeAndSaysWhatItWas(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("small.mp4");
        ClipWriter.write(new Clip(6, 16, 16, 8, new byte[6 * 16 * 16 * 3]), file, 1);
        MediaDecoder.Media media = pipeline.read(file);
        assertEquals(pipeline.spec().size(), media.clip().width());
        assertEquals("16x16 at 8.0 fps", media.resampledFrom());
        Clip still = pipeline.source(Mode.IMAGE, file);
        assertEquals(1, still.frames(), "a still is the first frame only");
        assertEquals(6, pipeline.source(Mode.EDIT, file).frames());
        assertThrows(IllegalArgumentException.class, () -> pipeline.source(Mode.TEXT, file));
    }

    @Test
    void aClipStromMadeIsReadAsItWasMadeAndScoredFrameForFrame(@TempDir Path dir) throws IOException {
        MediaDecoder.Media media = pipeline.read(made(dir, 6, 8));
        assertNull(media.resampledFrom(), "Strom's own upscale is undone, nothing resampled");
        Score score = pipeline.score(media, PROMPT);
        assertEquals(6, score.frames());
        assertTrue(score.bitsPerDim() > 0 && score.bitsPerDim() < 16, score.toString());
        assertTrue(score.conditionalBitsPerDim() < score.bitsPerDim(), "its own prompt makes it more likely: " + score);
    }

    @Test
    void classifyingReadsAtMostTheTrainingLengthAndRefusesToReadNothing(@TempDir Path dir) throws IOException {
        MediaDecoder.Media media = pipeline.read(made(dir, 4, 1));
        List<String> captions = List.of(PROMPT, "a red apple moving right on a blue background");
        Classification c = pipeline.classify(media, new ClassifyRequest(captions, 2, 0, 1, 0));
        assertEquals(2, c.framesRead());
        assertEquals(1.0, c.captions().stream().mapToDouble(Classification.Choice::probability).sum(), 1e-9);
        assertTrue(c.captions().get(0).probability() >= c.captions().get(1).probability(), "highest first");
        assertThrows(IllegalArgumentException.class, () -> pipeline.classify(media, new ClassifyRequest(captions, 2, 2, 1, 0)));
    }

    @Test
    void aDeliveredClipCarriesItsPromptAndAWatermarkWhoseClipIdComesFromItsSettings(@TempDir Path dir) throws IOException {
        VideoRequest r = new VideoRequest(Mode.TEXT, PROMPT, 5, pipeline.spec().frames(), pipeline.defaults(), null, null);
        Clip clip = pipeline.make(r, null);
        Delivery signed = Delivery.signedBy(SigningIdentity.Location.in(dir.resolve("identity")), pipeline.name());
        assertTrue(signed.createdIdentity());
        Path file = dir.resolve("signed.mp4");
        assertTrue(signed.write(clip, r, file, 8), "an MP4 takes a manifest");
        assertEquals(PROMPT, MediaDecoder.title(file));
        Verification v = Verifier.verify(file);
        assertTrue(v.manifest().valid(), v.toString());
        assertTrue(v.watermark().detected(), v.toString());
        assertEquals(WatermarkPayload.clipIdOf(r.settings()), v.watermark().payload().clipId());

        Path plain = dir.resolve("plain.mp4");
        assertTrue(Delivery.withoutProvenance(pipeline.name()).write(clip, r, plain, 8));
        Verification none = Verifier.verify(plain);
        assertFalse(none.provenance(), none.toString());
        assertFalse(Arrays.equals(MediaDecoder.storedPixels(file).rgb(), MediaDecoder.storedPixels(plain).rgb()),
                "the watermark changed the pixels");
    }

    /** A clip of {@code frames} the pipeline made of the prompt, written as an MP4 upscaled {@code scale} times. */
    private static Path made(Path dir, int frames, int scale) throws IOException {
        Clip made = pipeline.make(new VideoRequest(Mode.TEXT, PROMPT, 3, frames, pipeline.defaults(), null, null), null);
        Path file = dir.resolve("made.mp4");
        ClipWriter.write(made, file, scale);
        return file;
    }
}
