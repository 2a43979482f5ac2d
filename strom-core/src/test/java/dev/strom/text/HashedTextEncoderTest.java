package dev.strom.text;

import ai.djl.ndarray.NDManager;
import dev.strom.flow.TextFeatures;
import dev.strom.tensor.Parameters;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class HashedTextEncoderTest {

    private static final HashedTextEncoder.Config CONFIG = new HashedTextEncoder.Config(64, 64, 6, 4, 16, 1, 1);

    @Test
    void theBagOfWordsCountsEachWordsFeaturesWhateverTheirOrder() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameters p = Parameters.initialised(m, 1);
            HashedTextEncoder encoder = new HashedTextEncoder(p, CONFIG);
            TextFeatures t = encoder.encode(m, List.of("moving left", "left moving", "left left", ""));
            int v = encoder.vocabulary();
            assertEquals(CONFIG.vocabulary(), v);
            float[] words = t.words().toFloatArray();
            int[][] ids = new WordHashTokenizer(64, 64, 6, 4).encode("moving left");
            float features = 0;
            for (int[] token : ids) {
                for (int id : token) {
                    features += id == WordHashTokenizer.PAD ? 0 : 1;
                }
            }
            assertEquals(features, sum(words, 0, v), "every feature of every token, the end token too");
            assertArrayEquals(row(words, 0, v), row(words, 1, v), "order-free");
            assertFalse(t.rows().get(0).allClose(t.rows().get(1)), "where the rows read the order");
            float[] end = row(words, 3, v);
            assertEquals(1f, sum(end, 0, v), "the empty caption holds the end token alone");
            int leftWord = new WordHashTokenizer(64, 64, 6, 4).encode("left")[0][0];
            assertEquals(2f, row(words, 2, v)[leftWord], "a word said twice counts twice");
        }
    }

    private static float[] row(float[] words, int i, int v) {
        float[] r = new float[v];
        System.arraycopy(words, i * v, r, 0, v);
        return r;
    }

    private static float sum(float[] w, int i, int v) {
        float s = 0;
        for (int k = i * v; k < (i + 1) * v; k++) {
            s += w[k];
        }
        return s;
    }
}
