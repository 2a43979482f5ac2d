package dev.strom.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.strom.flow.TextFeatures;

import java.util.List;

/**
 * Turns prompts into the text features the flow reads: rows the deep block reads as its prefix, [B, L, dim] with
 * padding rows zero, and the bag of the prompts' words [B, vocabulary()]. Strom's own encoder is small and trained
 * with the flow; a pretrained encoder can take its place behind this interface.
 */
public interface TextEncoder {

    /** Feature size of each token. */
    int dim();

    /** Tokens per prompt (L). */
    int length();

    /** Word features a bag of words counts (the width of {@link TextFeatures#words}). */
    int vocabulary();

    TextFeatures encode(NDManager manager, List<String> prompts);
}
