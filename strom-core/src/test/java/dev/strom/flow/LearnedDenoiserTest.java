package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.train.TrainSettings;
import dev.strom.flow.train.TrainStep;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The learned denoiser, trained against clean clips (denoising score matching), apart from the flow. */
class LearnedDenoiserTest {

    private static final int FRAMES = 4;

    @Test
    void trainedOnStillClipsItTakesMostOfTheNoiseOffWithoutTouchingTheFlow() {
        FlowConfig cfg = FlowFixtures.config(b -> b.temporalCausal(2).shallowBlockLocal(true).denoiser(true).denoiserWindow(2));
        float sigma = cfg.noiseStd();
        try (NDManager m = NDManager.newBaseManager(); StarFlow flow = StarFlow.initialise(cfg, m, 1)) {
            LearnedDenoiser denoiser = flow.denoiser();
            Map<String, NDArray> params = new LinkedHashMap<>(flow.parameters().all());
            params.keySet().removeIf(name -> !name.startsWith(LearnedDenoiser.PREFIX));
            String flowWeight = flow.parameters().names().stream().filter(n -> !n.startsWith(LearnedDenoiser.PREFIX)).findFirst().orElseThrow();
            float[] flowBefore = flow.parameters().get(flowWeight).toFloatArray();

            TrainStep step = new TrainStep(params, TrainSettings.starflow(3e-3f, 10, 150));
            Random rng = new Random(7);
            for (int s = 0; s < 150; s++) {
                NDArray clean = stillClips(m, cfg, rng, 8);
                NDArray noisy = clean.add(FlowFixtures.randn(m, rng, clean.getShape().getShape()).mul(sigma));
                TrainStep.Result r = step.run(() -> denoiser.denoisingLoss(noisy, clean, null));
                assertTrue(!r.skipped(), "step " + s + ": " + r.reason());
            }

            NDArray clean = stillClips(m, cfg, new Random(99), 16);
            NDArray noisy = clean.add(FlowFixtures.randn(m, new Random(100), clean.getShape().getShape()).mul(sigma));
            double before = noisy.sub(clean).square().mean().getFloat();
            double after = flow.denoise(noisy, null).sub(clean).square().mean().getFloat();
            assertTrue(after < 0.1 * before, "noise power left " + after + " of " + before);
            assertArrayEquals(flowBefore, flow.parameters().get(flowWeight).toFloatArray(), "the flow is not trained");
        }
    }

    /** Clips whose every pixel keeps one value per clip and channel through all frames, in [-0.8, 0.8]. */
    private static NDArray stillClips(NDManager m, FlowConfig cfg, Random rng, int batch) {
        int c = cfg.inChannels();
        int pixels = cfg.imgSize() * cfg.imgSize();
        float[] v = new float[batch * FRAMES * c * pixels];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < c; k++) {
                float level = (float) (rng.nextDouble() * 1.6 - 0.8);
                for (int t = 0; t < FRAMES; t++) {
                    int at = ((b * FRAMES + t) * c + k) * pixels;
                    Arrays.fill(v, at, at + pixels, level);
                }
            }
        }
        return m.create(v, new Shape(batch, FRAMES, c, cfg.imgSize(), cfg.imgSize()));
    }
}
