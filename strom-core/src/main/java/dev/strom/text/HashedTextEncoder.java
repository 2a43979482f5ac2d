package dev.strom.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Embedding;
import dev.strom.flow.TextFeatures;
import dev.strom.flow.TransformerLayer;
import dev.strom.tensor.Init;
import dev.strom.tensor.Parameters;

import java.util.ArrayList;
import java.util.List;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.norm.LayerNorm;
import dev.strom.tensor.Scalar;
import dev.strom.tensor.Tensors;

/**
 * Strom's own text encoder, trained from scratch with the flow: hashed word and trigram embeddings
 * (summed per word), learned positions, a few bidirectional transformer layers, a final LayerNorm. The bag of
 * words counts the same hashed features (the word and its trigrams), so an inflection shares most of its counts.
 * Parameters are named "text_encoder.*".
 */
public final class HashedTextEncoder implements TextEncoder {

    /** Sizes of the encoder. */
    public record Config(int wordBuckets, int ngramBuckets, int maxTokens, int featuresPerToken, int dim,
                         int layers, int heads) {
        public static Config small() {
            return new Config(1024, 2048, 24, 12, 64, 2, 2);
        }

        /** Word features a bag of words over this encoder's tokens counts ({@link TextEncoder#vocabulary}). */
        public int vocabulary() {
            return new WordHashTokenizer(wordBuckets, ngramBuckets, maxTokens, featuresPerToken).vocabularySize();
        }
    }

    private static final String NAME = "text_encoder";
    private final Config config;
    private final WordHashTokenizer tokenizer;
    private final NDArray embed;
    private final NDArray positions;
    private final List<TransformerLayer> layers = new ArrayList<>();
    private final NDArray normWeight;
    private final NDArray normBias;

    public HashedTextEncoder(Parameters p, Config c) {
        this.config = c;
        tokenizer = new WordHashTokenizer(c.wordBuckets(), c.ngramBuckets(), c.maxTokens(), c.featuresPerToken());
        embed = p.declare(NAME + ".embed.weight", new long[]{tokenizer.vocabularySize(), c.dim()}, new Init.Normal(0.3f));
        positions = p.declare(NAME + ".positions", new long[]{c.maxTokens(), c.dim()}, new Init.Normal(0.02f));
        for (int i = 0; i < c.layers(); i++) {
            layers.add(TransformerLayer.plain(p, NAME + ".layers." + i, c.dim(), c.heads(), c.dim() / c.heads()));
        }
        normWeight = p.declare(NAME + ".norm.weight", new long[]{c.dim()}, Init.ONES);
        normBias = p.declare(NAME + ".norm.bias", new long[]{c.dim()}, Init.ZEROS);
    }

    public Config config() {
        return config;
    }

    @Override
    public int dim() {
        return config.dim();
    }

    @Override
    public int length() {
        return config.maxTokens();
    }

    @Override
    public int vocabulary() {
        return tokenizer.vocabularySize();
    }

    @Override
    public TextFeatures encode(NDManager manager, List<String> prompts) {
        int b = prompts.size();
        int l = config.maxTokens();
        int k = config.featuresPerToken();
        long[] ids = new long[b * l * k];
        float[] tokenMask = new float[b * l];
        int v = tokenizer.vocabularySize();
        float[] words = new float[b * v];
        for (int i = 0; i < b; i++) {
            int[][] t = tokenizer.encode(prompts.get(i));
            for (int j = 0; j < l; j++) {
                boolean real = t[j][0] != WordHashTokenizer.PAD;
                tokenMask[i * l + j] = real ? 1f : 0f;
                for (int f = 0; f < k; f++) {
                    ids[(i * l + j) * k + f] = t[j][f];
                    if (t[j][f] != WordHashTokenizer.PAD) {
                        words[i * v + t[j][f]] += 1;
                    }
                }
            }
        }
        NDArray idArray = Tensors.of(manager, ids, new Shape(b, l, k));
        NDArray featureMask = idArray.gt(0).toType(DataType.FLOAT32, false).expandDims(3);
        NDArray x = Embedding.embedding(idArray, embed, SparseFormat.DENSE).singletonOrThrow().mul(featureMask).sum(new int[]{2});
        x = x.add(positions);
        NDArray mask = Tensors.of(manager, tokenMask, new Shape(b, 1, 1, l));
        NDArray attnMask = Scalar.mul(mask.sub(1f), 1e9f);
        for (TransformerLayer layer : layers) {
            x = layer.apply(x, attnMask);
        }
        x = LayerNorm.layerNorm(x, new Shape(config.dim()), normWeight, normBias, 1e-5f).singletonOrThrow();
        return new TextFeatures(x.mul(mask.reshape(b, l, 1)), Tensors.of(manager, words, new Shape(b, v)));
    }
}
