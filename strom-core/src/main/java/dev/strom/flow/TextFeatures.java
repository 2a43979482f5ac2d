package dev.strom.flow;

import ai.djl.ndarray.NDArray;

/**
 * What the flow reads of a batch of captions: the rows the deep block attends to, and the bag of the captions'
 * words that the first step's velocity reads ({@code first_step_motion}).
 * <p>
 * Why a bag of words beside the rows: the velocity is a property of the motion words, and a linear map from the
 * encoder's rows, which mix every word into every row, read held-out object/motion/background triples 0.38-0.49 px
 * off the clips' moves; the same least squares from the words reads them 0.08 px off (docs/experiments.md, session
 * 25). A sum over words carries over to unseen combinations by construction.
 *
 * @param rows  text features [B, L, txt_dim], padding rows zero
 * @param words how often each of the encoder's word features occurs in each caption [B, txt_vocab], or null where
 *              the flow does not read them
 */
public record TextFeatures(NDArray rows, NDArray words) {

    /** Rows without words, for flows that do not read words; null for null (an unconditional model). */
    public static TextFeatures of(NDArray rows) {
        return rows == null ? null : new TextFeatures(rows, null);
    }
}
