package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generating after context frames (image-to-video, extension) is the same as having generated those frames:
 * give the sampler the first K frames of a sample and the same noise, and it makes the same later frames;
 * the context comes back unchanged.
 */
class ContextFramesTest {

    private static final int FRAMES = 4;

    static Stream<Arguments> cases() {
        Supplier<FlowConfig> local = FlowFixtures::videoFrameLocal;
        Supplier<FlowConfig> everywhere = FlowFixtures::videoTextEverywhere;
        Supplier<FlowConfig> identity = FlowFixtures::videoPatchedWithIdentityBlock;
        Supplier<FlowConfig> places = FlowFixtures::videoWithPlaces;
        Supplier<FlowConfig> motion = FlowFixtures::videoWithMotion;
        Supplier<FlowConfig> compensated = FlowFixtures::videoMotionCompensated;
        Supplier<FlowConfig> reading = FlowFixtures::videoReadingPrediction;
        return Stream.of(
                Arguments.of("frame-local shallow blocks, sequential", local, "sequential", 0f, 1),
                Arguments.of("frame-local shallow blocks, guided sequential", local, "sequential", 2.5f, 2),
                Arguments.of("frame-local shallow blocks, guided Jacobi", local, "jacobi", 2.5f, 3),
                Arguments.of("clip-wide shallow blocks with text, Jacobi", everywhere, "jacobi", 0f, 2),
                Arguments.of("with an identity block, guided sequential", identity, "sequential", 1.5f, 1),
                Arguments.of("deep block with place embeddings, guided Jacobi", places, "jacobi", 2.5f, 3),
                Arguments.of("deep block reading earlier frames, guided sequential", motion, "sequential", 2.5f, 2),
                Arguments.of("deep block reading earlier frames, Jacobi", motion, "jacobi", 0f, 1),
                Arguments.of("motion-compensated, guided sequential", compensated, "sequential", 2.5f, 2),
                Arguments.of("motion-compensated, Jacobi", compensated, "jacobi", 0f, 1),
                Arguments.of("reading the prediction, guided sequential", reading, "sequential", 2.5f, 2),
                Arguments.of("reading the prediction, guided Jacobi", reading, "jacobi", 2.5f, 3));
    }

    @ParameterizedTest(name = "{0}, {4} context frames")
    @MethodSource("cases")
    void laterFramesAreThoseTheSamplerWouldHaveMadeAfterTheContext(String name, Supplier<FlowConfig> config, String method,
                                                                  float guidance, int k) {
        FlowConfig cfg = config.get();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 61)) {
            Random rng = new Random(17);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            TextFeatures yu = guidance > 0 ? FlowFixtures.emptyCaption(m, cfg, rng, 1) : null;
            NDArray z = FlowFixtures.latent(m, cfg, rng, 1, FRAMES);
            NDArray full = model.reverse(z, new Conditioning(y, yu, guidance), ReverseOptions.of(method(method)));
            NDArray context = full.get(new NDIndex().addAllDim().addSliceDim(0, k)).duplicate();
            NDArray continued = model.reverse(z, new Conditioning(y, yu, guidance), ReverseOptions.of(method(method)).withContext(context));

            float[] kept = continued.get(new NDIndex().addAllDim().addSliceDim(0, k)).toFloatArray();
            assertArrayEquals(context.toFloatArray(), kept, "the context frames come back unchanged");
            double gap = FlowFixtures.maxAbsDiff(full, continued);
            assertTrue(gap < 2e-4, "later frames differ from the uninterrupted sample by " + gap);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void contextMustBeShorterThanTheVideoAndMatchItsFrames(String name, Supplier<FlowConfig> config, String method,
                                                          float guidance, int k) {
        FlowConfig cfg = config.get();
        try (NDManager m = NDManager.newBaseManager();
             StarFlow model = FlowFixtures.perturbedModel(cfg, m, 62)) {
            Random rng = new Random(18);
            TextFeatures y = FlowFixtures.text(m, cfg, rng, 1);
            NDArray z = FlowFixtures.latent(m, cfg, rng, 1, FRAMES);
            NDArray whole = FlowFixtures.latent(m, cfg, rng, 1, FRAMES);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> model.reverse(z, Conditioning.on(y), ReverseOptions.of(method(method)).withContext(whole)));
            assertTrue(e.getMessage().contains("between 1 and " + (FRAMES - 1)), e.getMessage());
            NDArray twoClips = FlowFixtures.latent(m, cfg, rng, 2, 1);
            assertThrows(IllegalArgumentException.class, () -> model.reverse(z, Conditioning.on(y), ReverseOptions.of(method(method)).withContext(twoClips)));
        }
    }

    private static InverseMethod method(String name) {
        // threshold 0: a fixed iteration count, so the two runs take the same decisions
        return name.equals("jacobi") ? new JacobiInverse(4, 24, 0) : new SequentialInverse();
    }
}
