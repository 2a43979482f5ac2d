package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.strom.tensor.Parameters;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The deep block's motion context: the position that predicts a token reads, for each of the last k frames
 * (nearest first), the 3x3 tokens around that token's place, and nothing of its own frame or later ones.
 */
class MotionContextTest {

    private static final TokenLayout LAYOUT = new TokenLayout(3, 4, 4);

    /** Token value: 100 * frame + 10 * row + column + 1 (0 means "no token"), in every feature. */
    private static float code(int frame, int row, int col) {
        return 100 * frame + 10 * row + col + 1;
    }

    @Test
    void eachTokenReadsTheNeighbourhoodOfItsPlaceInTheLastTwoFramesNearestFirst() {
        FlowConfig cfg = FlowFixtures.videoWithMotion(); // 4x4 tokens of 2 features, motion_context 2
        FlowConfig.BlockSpec top = cfg.block(cfg.numBlocks() - 1);
        assertEquals(Permutation.FLIP_IN_FRAME, top.permutation(), "the deep block reads its frames reversed");
        int d = cfg.tokenDim();
        try (NDManager m = NDManager.newBaseManager(); Parameters p = Parameters.initialised(m, 1)) {
            FlowBlock block = new FlowBlock(p, cfg, top);
            float[] raster = new float[LAYOUT.length() * d];
            for (int f = 0; f < 3; f++) {
                for (int r = 0; r < 4; r++) {
                    for (int c = 0; c < 4; c++) {
                        for (int k = 0; k < d; k++) {
                            raster[((f * 16) + r * 4 + c) * d + k] = code(f, r, c);
                        }
                    }
                }
            }
            NDArray tokens = top.permutation().apply(m.create(raster, new Shape(1, LAYOUT.length(), d)), LAYOUT);
            NDArray context = top.permutation().apply(block.motionContext(tokens, 0, LAYOUT.length(), LAYOUT), LAYOUT);
            assertEquals(new Shape(1, 48, 2 * 9 * d), context.getShape());
            float[] v = context.toFloatArray();
            int width = 2 * 9 * d;
            for (int f = 0; f < 3; f++) {
                for (int r = 0; r < 4; r++) {
                    for (int c = 0; c < 4; c++) {
                        int at = (f * 16 + r * 4 + c) * width;
                        int i = 0;
                        for (int back = 1; back <= 2; back++) {
                            for (int dr = -1; dr <= 1; dr++) {
                                for (int dc = -1; dc <= 1; dc++) {
                                    int pf = f - back;
                                    int pr = r + dr;
                                    int pc = c + dc;
                                    float want = pf >= 0 && pr >= 0 && pr < 4 && pc >= 0 && pc < 4 ? code(pf, pr, pc) : 0f;
                                    for (int k = 0; k < d; k++) {
                                        assertEquals(want, v[at + i * d + k], "frame " + f + " (" + r + "," + c
                                                + ") reading " + back + " back at (" + dr + "," + dc + ")");
                                    }
                                    i++;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSpanOfTokensReadsWhatTheWholeSequenceGivesThem() {
        FlowConfig cfg = FlowFixtures.videoWithMotion();
        FlowConfig.BlockSpec top = cfg.block(cfg.numBlocks() - 1);
        try (NDManager m = NDManager.newBaseManager(); Parameters p = Parameters.initialised(m, 1)) {
            FlowBlock block = new FlowBlock(p, cfg, top);
            NDArray tokens = FlowFixtures.randn(m, new java.util.Random(3), 1, LAYOUT.length(), cfg.tokenDim());
            NDArray all = block.motionContext(tokens, 0, LAYOUT.length(), LAYOUT);
            // tokens 13 .. 37 span three frames; only the tokens before token 32 (frame 2's start) are given
            NDArray part = block.motionContext(tokens.get(":, 0:32"), 13, 25, LAYOUT);
            assertEquals(0.0, FlowFixtures.maxAbsDiff(all.get(":, 13:38"), part));
        }
    }
}
