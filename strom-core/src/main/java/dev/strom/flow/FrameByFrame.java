package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.strom.tensor.Tensors;

/**
 * The rest of an inverse pass done one frame at a time, as the deep block finishes each frame, for a deep block that
 * reads what each frame's coding sees ({@code prediction_context}): the frame the motion compensation predicts,
 * which exists only once the frames before it are data. So each finished frame goes at once through the per-frame
 * blocks below the deep one and the compensation's inverse, and what the next frame's coding sees follows from it.
 * <p>
 * The clip and every stage below the deep block are assembled from those frames, so what the deep block read is
 * exactly what the sample is made of. Frames given as context are data already: what their coding sees comes from
 * them directly, as in the forward pass.
 */
final class FrameByFrame implements InverseStep.FrameListener, InverseStep.FrameSight {

    /** The per-frame blocks below the deep one, inverted in turn for one frame's tokens [B, frameSize, D]. */
    interface Below {
        /**
         * The tokens after inverting each block below the deep one, nearest the deep block first, one per block
         * (an identity block's are its input); the last is the motion-compensated residual.
         */
        List<NDArray> invert(NDArray frameTokens);
    }

    private final Latent latent;
    private final Latent oneFrame;
    private final Latent oneFrameSeen;
    private final Permutation order;
    private final TokenLayout frame;
    private final boolean guided;
    /** Whether the deep block reads which frames are an edit's result ({@code edit_segment}), and these are. */
    private final boolean segment;
    private final boolean editResult;
    private final Below below;
    private final MotionCompensation.Restorer restorer;
    private final StarFlow.FrameDrafts drafts;
    private final NDManager manager;
    private final int known;
    /** What the context frames' coding sees, [B, K, 2C, H, W], or null without context. */
    private final NDArray contextSeen;
    private final Map<Integer, NDArray> sights = new HashMap<>();
    /** Per new frame, the tokens after each block below the deep one, then the frame itself (plain arrays). */
    private final List<List<float[]>> made = new ArrayList<>();

    /**
     * @param latent  the sample's layout
     * @param order   the deep block's token order
     * @param guided  whether the deep block's batch holds a guided and an unguided half
     * @param segment whether the deep block reads which frames are an edit's result ({@code edit_segment})
     * @param o       the frames given as data [B, K, C, H, W] (or none), whether the new ones are an edit's
     *                result of them, and who hears of each new frame
     */
    FrameByFrame(Latent latent, Permutation order, boolean guided, boolean segment, MotionCompensation motion,
                 ReverseOptions o, Below below, NDManager manager) {
        NDArray context = o.context();
        this.latent = latent;
        this.oneFrame = new Latent(latent.batch(), 1, latent.channels(), latent.height(), latent.width(), latent.patch(), true);
        this.oneFrameSeen = new Latent(latent.batch(), 1, 2 * latent.channels(), latent.height(), latent.width(),
                latent.patch(), true);
        this.order = order;
        this.frame = latent.layout().singleFrame();
        this.guided = guided;
        this.segment = segment;
        this.editResult = o.editResult();
        this.below = below;
        // an edit's result is predicted by its source, the context
        this.restorer = motion.restorer(context, o.editResult());
        this.drafts = o.drafts();
        this.manager = manager;
        this.known = context == null ? 0 : (int) context.getShape().get(1);
        if (context != null) {
            contextSeen = motion.code(context).seen();
            NDScope.unregister(contextSeen);
        } else {
            contextSeen = null;
        }
    }

    @Override
    public void frame(int index, NDArray tokens) {
        if (index < known) {
            return; // data already
        }
        if (index != known + made.size()) {
            throw new IllegalStateException("frame " + index + " finished out of order");
        }
        long b = latent.batch();
        NDArray raster = order.apply(tokens.get("0:" + b), frame);
        List<NDArray> inverted = below.invert(raster);
        List<float[]> stages = new ArrayList<>();
        for (NDArray t : inverted.subList(0, inverted.size() - 1)) {
            stages.add(t.toFloatArray());
        }
        // the last stage is the clip, made from the residual
        NDArray x = restorer.next(oneFrame.unpatchify(inverted.get(inverted.size() - 1)));
        stages.add(x.toFloatArray());
        made.add(stages);
        if (drafts != null) {
            drafts.frame(index, x);
        }
    }

    @Override
    public NDArray frame(int index) {
        NDArray kept = sights.get(index);
        if (kept != null) {
            return kept;
        }
        NDArray seen;
        if (index < known) {
            seen = contextSeen.get(new NDIndex().addAllDim().addSliceDim(index, index + 1));
        } else if (index == known + made.size()) {
            seen = restorer.seenNext(manager, new Shape(latent.batch(), 1, latent.channels(), latent.height(), latent.width()));
        } else {
            throw new IllegalStateException("what frame " + index + " sees is asked for before the frames before it are made");
        }
        NDArray tokens = order.apply(oneFrameSeen.patchify(seen), frame);
        if (segment) {
            // the new frames of an edit are its result; its context, the source, is not
            tokens = FlowBlock.withSegment(tokens, editResult && index >= known ? 0 : frame.length());
        }
        if (guided) {
            tokens = NDArrays.concat(new NDList(tokens, tokens));
        }
        NDScope.unregister(tokens);
        sights.put(index, tokens);
        return tokens;
    }

    /**
     * The stages below the deep block but the residual, nearest it first, and then the clip, each in the latent
     * layout, as {@link StarFlow#reverseStages} gives them; the context's frames lead each (its tokens at those stages
     * from {@code knownStages} [B, K * frameSize, D], nearest the deep block first, and the context itself in the
     * clip).
     */
    List<NDArray> stages(List<NDArray> knownStages, NDArray context) {
        int count = made.isEmpty() ? 0 : made.get(0).size();
        long b = latent.batch();
        Latent knownLatent = known == 0 ? null
                : new Latent(b, known, latent.channels(), latent.height(), latent.width(), latent.patch(), true);
        List<NDArray> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            boolean clip = s == count - 1;
            NDList frames = new NDList();
            if (known > 0) {
                frames.add(clip ? context : knownLatent.unpatchify(knownStages.get(s)));
            }
            for (List<float[]> f : made) {
                NDArray a = Tensors.of(manager, f.get(s), clip ? new Shape(b, 1, latent.channels(), latent.height(), latent.width())
                        : new Shape(b, frame.length(), latent.tokenDim()));
                frames.add(clip ? a : oneFrame.unpatchify(a));
            }
            out.add(NDArrays.concat(frames, 1));
        }
        return out;
    }

    /** Frees what the frames' coding saw. */
    void close() {
        sights.values().forEach(NDArray::close);
        sights.clear();
        if (contextSeen != null) {
            contextSeen.close();
        }
    }
}
