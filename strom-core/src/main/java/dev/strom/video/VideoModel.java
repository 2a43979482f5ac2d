package dev.strom.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.strom.flow.StarFlow;
import dev.strom.tensor.Parameters;
import dev.strom.text.TextEncoder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A text-to-video model: the flow, the text encoder, the clip format they were trained on and the model's own
 * sampling defaults, with the manager their tensors live in. Clips go in and out as float arrays in the model
 * layout [T, C, H, W] with values in [-1, 1]. {@link #sampler()} makes clips, {@link #likelihood()} reads them.
 */
public final class VideoModel implements AutoCloseable {

    private final StarFlow flow;
    private final TextEncoder text;
    private final Parameters textParameters;
    private final VideoSpec spec;
    private final Sampling defaults;
    private final NDManager manager;

    /**
     * @param textParameters the text encoder's weights ("text_encoder.*"), saved and trained with the flow's
     * @param defaults       how the model samples unless told otherwise
     */
    public VideoModel(StarFlow flow, TextEncoder text, Parameters textParameters, VideoSpec spec, Sampling defaults,
                      NDManager manager) {
        if (flow.config().txtDim() != text.dim()) {
            throw new IllegalArgumentException("text encoder dim " + text.dim() + " != flow txt_dim " + flow.config().txtDim());
        }
        if (flow.config().imgSize() != spec.size() || flow.config().inChannels() != spec.channels()) {
            throw new IllegalArgumentException("flow latent size does not match the video spec");
        }
        this.flow = flow;
        this.text = text;
        this.textParameters = textParameters;
        this.spec = spec;
        this.defaults = defaults;
        this.manager = manager;
    }

    public StarFlow flow() {
        return flow;
    }

    public TextEncoder text() {
        return text;
    }

    public VideoSpec spec() {
        return spec;
    }

    /** The sampling settings the model was tuned for. */
    public Sampling defaults() {
        return defaults;
    }

    NDManager manager() {
        return manager;
    }

    /** Makes clips: text-to-video, image-to-video, extension, long videos, edits, remixes. */
    public Sampler sampler() {
        return new Sampler(this);
    }

    /** Reads clips: exact bits/dim, and which caption a clip was made from. */
    public Likelihood likelihood() {
        return new Likelihood(this);
    }

    /** Every trainable parameter (flow and text encoder). */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> all = new LinkedHashMap<>(flow.parameters().all());
        all.putAll(textParameters.all());
        return all;
    }

    /** The text encoder's parameters ("text_encoder.*"). */
    public Parameters textParameters() {
        return textParameters;
    }

    /** The prompts' text features [B, L, dim], in the model's manager. */
    public NDArray encode(List<String> prompts) {
        return text.encode(manager, prompts);
    }

    /** Clips of {@code frames} frames each (the first frames of longer ones), stacked into one [B, T, C, H, W] array. */
    public NDArray stack(List<float[]> clips, int frames) {
        int d = spec.dims(frames);
        float[] all = new float[clips.size() * d];
        for (int i = 0; i < clips.size(); i++) {
            System.arraycopy(clips.get(i), 0, all, i * d, d);
        }
        return manager.create(all, new Shape(clips.size(), frames, spec.channels(), spec.size(), spec.size()));
    }

    /** {@code clip} if it holds at least one whole frame at the model's size and nothing more, else "{@code what} of whole ... frames". */
    float[] wholeFrames(float[] clip, String what) {
        if (clip == null || clip.length == 0 || clip.length % spec.dims(1) != 0) {
            throw new IllegalArgumentException(what + " of whole " + spec.size() + "x" + spec.size() + " frames");
        }
        return clip;
    }

    @Override
    public void close() {
        flow.close();
        textParameters.close();
    }
}
