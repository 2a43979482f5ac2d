package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each token's share of the likelihood ({@link ForwardPass#lossPerToken}), the handle a training weight holds:
 * the shares add up to the sample's and each frame's NLL, and every block's log-det is read back in raster order
 * whatever order the block worked in.
 */
class TokenLossTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.strom.flow.InvertibilityTest#models")
    void theTokensSharesAddUpToEachSamplesAndEachFramesLoss(String name, Supplier<FlowConfig> config, int frames) {
        FlowConfig cfg = config.get();
        try (NDManager m = NDManager.newBaseManager(); StarFlow model = FlowFixtures.perturbedModel(cfg, m, 4)) {
            Random rng = new Random(9);
            NDArray x = FlowFixtures.latent(m, cfg, rng, 2, frames);
            ForwardPass pass = model.forward(x, FlowFixtures.text(m, cfg, rng, 2));
            NDArray perToken = pass.lossPerToken();
            assertEquals(model.tokens(x).getShape().get(1), perToken.getShape().get(1), "one share per token");
            assertArrayEquals(pass.lossPerSample().toFloatArray(), perToken.mean(new int[]{1}).toFloatArray(), 1e-5f);
            assertArrayEquals(pass.lossPerFrame().toFloatArray(), perToken.reshape(2, Math.max(frames, 1), -1).mean(new int[]{2}).toFloatArray(), 1e-5f,
                    "a frame's tokens carry that frame's loss");
            NDArray ones = m.ones(perToken.getShape());
            assertArrayEquals(pass.lossPerSample().toFloatArray(), pass.lossPerSample(ones).toFloatArray(), 1e-5f,
                    "weights of one are the plain loss");
        }
    }

    @Test
    void aBlocksLogdetIsReadBackInRasterOrder() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one clip of 2 frames of 1x3 tokens, 1 dim per token; z = 0, so a token's share is minus its log-dets
            TokenLayout clip = new TokenLayout(2, 1, 3);
            NDArray zTokens = m.zeros(new Shape(1, 6, 1));
            // a block over the whole clip, reversed inside each frame: its log-det lists frame 0 as tokens 2, 1, 0
            NDArray wholeClip = m.create(new float[]{2, 1, 0, 5, 4, 3}, new Shape(1, 6, 1));
            // a frame-local block (batch B * T) in raster order
            NDArray frameLocal = m.create(new float[]{0, 10, 20, 30, 40, 50}, new Shape(2, 3, 1));
            ForwardPass pass = new ForwardPass(zTokens, List.of(zTokens, zTokens, zTokens), List.of(wholeClip, frameLocal),
                    List.of(new ForwardPass.BlockOrder(Permutation.FLIP_IN_FRAME, clip),
                            new ForwardPass.BlockOrder(Permutation.IDENTITY, clip.singleFrame())), null);
            assertArrayEquals(new float[]{0, -11, -22, -33, -44, -55}, pass.lossPerToken().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void weightsShiftTheLossTowardsTheTokensTheyFavour() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray zTokens = m.create(new float[]{2, 0, 0, 0}, new Shape(1, 4, 1));
            ForwardPass pass = new ForwardPass(zTokens, List.of(zTokens, zTokens), List.of(m.zeros(new Shape(1, 4, 1))),
                    List.of(new ForwardPass.BlockOrder(Permutation.IDENTITY, new TokenLayout(1, 2, 2))), null);
            // shares 2, 0, 0, 0: plain mean 0.5; token 0 weighted 4 of 7 in all
            assertEquals(0.5f, pass.lossPerSample().getFloat(0), 1e-6f);
            assertEquals(8f / 7, pass.lossPerSample(m.create(new float[]{4, 1, 1, 1}, new Shape(1, 4))).getFloat(0), 1e-6f);
        }
    }
}
