package dev.strom.flow;

import ai.djl.ndarray.NDArray;

/**
 * How an inverse pass runs besides what it is conditioned on.
 *
 * @param method   how each block is inverted (sequential, or Jacobi iteration)
 * @param progress hears of progress, or null
 * @param context  data [B, K, C, H, W] for the first K frames of the video (image-to-video, extension), or null:
 *                 pushed through the flow to fill the caches, and only the later frames are inverted
 * @param drafts   hears of each new frame soon after the deep block has made it, or null (see
 *                 {@link StarFlow#reverse})
 * @param editResult whether the context is an edit's source and the new frames its result: a motion-compensated
 *                 flow predicts each by the source's frame at the same time, as
 *                 {@link StarFlow#forward(NDArray, NDArray, int)} codes an edit
 */
public record ReverseOptions(InverseMethod method, StarFlow.Progress progress, NDArray context,
                             StarFlow.FrameDrafts drafts, boolean editResult) {

    public ReverseOptions {
        if (method == null) {
            throw new IllegalArgumentException("an inverse method is required");
        }
    }

    /** Just the method: no progress, no context, no drafts. */
    public static ReverseOptions of(InverseMethod method) {
        return new ReverseOptions(method, null, null, null, false);
    }

    public ReverseOptions withProgress(StarFlow.Progress p) {
        return new ReverseOptions(method, p, context, drafts, editResult);
    }

    public ReverseOptions withContext(NDArray c) {
        return new ReverseOptions(method, progress, c, drafts, editResult);
    }

    public ReverseOptions withDrafts(StarFlow.FrameDrafts d) {
        return new ReverseOptions(method, progress, context, d, editResult);
    }

    /** The same with the context an edit's source and the new frames its result ({@code editResult}). */
    public ReverseOptions withEditResult() {
        return new ReverseOptions(method, progress, context, drafts, true);
    }
}
