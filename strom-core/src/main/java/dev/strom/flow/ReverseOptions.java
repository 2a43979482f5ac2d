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
 * @param cut      whether the frames after the context are a shot of their own (an edit's result after its
 *                 source): a motion-compensated flow predicts none of them from the context, as
 *                 {@link StarFlow#forward(NDArray, NDArray, int)} codes such a clip
 */
public record ReverseOptions(InverseMethod method, StarFlow.Progress progress, NDArray context,
                             StarFlow.FrameDrafts drafts, boolean cut) {

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
        return new ReverseOptions(method, p, context, drafts, cut);
    }

    public ReverseOptions withContext(NDArray c) {
        return new ReverseOptions(method, progress, c, drafts, cut);
    }

    public ReverseOptions withDrafts(StarFlow.FrameDrafts d) {
        return new ReverseOptions(method, progress, context, d, cut);
    }

    /** The same with the frames after the context a new shot ({@code cut}). */
    public ReverseOptions withCut() {
        return new ReverseOptions(method, progress, context, drafts, true);
    }
}
