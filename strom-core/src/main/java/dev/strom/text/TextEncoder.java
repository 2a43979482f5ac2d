package dev.strom.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.List;

/**
 * Turns prompts into the text features the flow's deep block reads as its prefix: [B, L, dim], padding
 * rows zero. Strom's own encoder is small and trained with the flow; a pretrained encoder can take its
 * place behind this interface.
 */
public interface TextEncoder {

    /** Feature size of each token. */
    int dim();

    /** Tokens per prompt (L). */
    int length();

    NDArray encode(NDManager manager, List<String> prompts);
}
