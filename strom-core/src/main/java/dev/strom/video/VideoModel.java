package dev.strom.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.strom.flow.StarFlow;
import dev.strom.flow.TextFeatures;
import dev.strom.latent.VideoAutoencoder;
import dev.strom.tensor.Parameters;
import dev.strom.text.TextEncoder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A text-to-video model: the flow, the text encoder, the clip format they were trained on and the model's own
 * sampling defaults, with the manager their tensors live in. Clips go in and out as float arrays in the model
 * layout [T, C, H, W] with values in [-1, 1]. {@link #sampler()} makes clips, {@link #likelihood()} reads them.
 * <p>
 * The flow works on pixels, or, with an autoencoder, on its latents (as STARFlow-V does): {@link #toFlow} and
 * {@link #fromFlow} move clips between the two, and {@link #flowFrame} says which flow frame a pixel frame is in.
 */
public final class VideoModel implements AutoCloseable {

    private final StarFlow flow;
    private final TextEncoder text;
    private final Parameters textParameters;
    private final VideoSpec spec;
    private final Sampling defaults;
    private final NDManager manager;
    private final VideoAutoencoder autoencoder;

    /**
     * @param textParameters the text encoder's weights ("text_encoder.*"), saved and trained with the flow's
     * @param defaults       how the model samples unless told otherwise
     */
    public VideoModel(StarFlow flow, TextEncoder text, Parameters textParameters, VideoSpec spec, Sampling defaults,
                      NDManager manager) {
        this(flow, text, textParameters, spec, defaults, manager, null);
    }

    /** @param autoencoder the latent space the flow works in, or null for pixels */
    public VideoModel(StarFlow flow, TextEncoder text, Parameters textParameters, VideoSpec spec, Sampling defaults,
                      NDManager manager, VideoAutoencoder autoencoder) {
        if (flow.config().txtDim() != text.dim()) {
            throw new IllegalArgumentException("text encoder dim " + text.dim() + " != flow txt_dim " + flow.config().txtDim());
        }
        if (flow.config().txtVocab() > 0 && flow.config().txtVocab() != text.vocabulary()) {
            throw new IllegalArgumentException("text encoder vocabulary " + text.vocabulary() + " != flow txt_vocab " + flow.config().txtVocab());
        }
        int size = autoencoder == null ? spec.size() : spec.size() / autoencoder.config().spatial();
        int channels = autoencoder == null ? spec.channels() : autoencoder.config().latentChannels();
        if (flow.config().imgSize() != size || flow.config().inChannels() != channels) {
            throw new IllegalArgumentException("flow input " + flow.config().inChannels() + "x" + flow.config().imgSize()
                    + " does not match the video spec's " + channels + "x" + size + (autoencoder == null ? "" : " latents"));
        }
        if (autoencoder != null) {
            autoencoder.config().latentFrames(spec.frames());
        }
        this.autoencoder = autoencoder;
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

    /** The autoencoder whose latents the flow works on, if the model has one. */
    public Optional<VideoAutoencoder> autoencoder() {
        return Optional.ofNullable(autoencoder);
    }

    /** Clips [B, T, C, H, W] as the flow reads them: the same pixels, or their latents. */
    public NDArray toFlow(NDArray clips) {
        return autoencoder == null ? clips : autoencoder.encode(clips);
    }

    /** Clips from the flow's space: the same pixels, or the decoded latents. */
    public NDArray fromFlow(NDArray x) {
        return autoencoder == null ? x : autoencoder.decode(x);
    }

    /** The flow frame that pixel frame {@code frame} lies in (the same frame without an autoencoder). */
    public int flowFrame(int frame) {
        return autoencoder == null ? frame : autoencoder.config().latentFrameOf(frame);
    }

    /**
     * Pixel frames up to the end of the flow frame that holds pixel frame {@code frame}: {@code frame + 1} without an
     * autoencoder; with one, a whole latent frame, since the flow reads it as one (a clip cut there is still 1 + 4k).
     */
    public int framesThroughFlowFrameOf(int frame) {
        return autoencoder == null ? frame + 1 : autoencoder.config().frames(flowFrame(frame) + 1);
    }

    /** Pixel frames per flow frame after the first: 1, or the autoencoder's temporal compression. */
    public int frameStride() {
        return autoencoder == null ? 1 : autoencoder.config().temporal();
    }

    /** Values the flow reads per clip of {@code frames} pixel frames. */
    public long flowDims(int frames) {
        if (autoencoder == null) {
            return spec.dims(frames);
        }
        int s = spec.size() / autoencoder.config().spatial();
        return (long) autoencoder.config().latentFrames(frames) * autoencoder.config().latentChannels() * s * s;
    }

    /** Values the flow reads for the flow frames from the one holding pixel frame {@code from} to the end of a clip of {@code frames}. */
    public long flowDimsFrom(int from, int frames) {
        return flowDims(frames) - (from == 0 ? 0 : flowDims(framesBeforeFlowFrameOf(from)));
    }

    /** Pixel frames before the flow frame that holds pixel frame {@code frame} starts. */
    private int framesBeforeFlowFrameOf(int frame) {
        return autoencoder == null ? frame : autoencoder.config().frames(flowFrame(frame));
    }

    /** Frames of an edit's source read before its result is written: half a training window (STARFlow-V's v2v layout). */
    public int editSourceFrames() {
        return Math.max(1, spec.frames() / 2);
    }

    /**
     * Where an edit's result starts in a clip of {@code frames} read under {@code captions}: after its source when
     * every caption is an edit instruction (training, sampling and reading lay edits out alike), else 0 (not an
     * edit). A motion-compensated flow predicts the result by the source ({@link dev.strom.flow.StarFlow#forward(NDArray, NDArray, int)}).
     */
    public int editFrom(List<String> captions, int frames) {
        boolean edits = !captions.isEmpty() && captions.stream().allMatch(c -> c.startsWith(Generation.EDIT_MARKER));
        return edits && autoencoder == null && frames > editSourceFrames() ? editSourceFrames() : 0;
    }

    /** Makes clips: text-to-video, image-to-video, extension, long videos, edits, remixes. */
    public Sampler sampler() {
        return new Sampler(this);
    }

    /** Reads clips: exact bits/dim, and which caption a clip was made from. */
    public Likelihood likelihood() {
        return new Likelihood(this);
    }

    /** Every trainable parameter (flow and text encoder); the autoencoder is trained before them, apart. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> all = new LinkedHashMap<>(flow.parameters().all());
        all.putAll(textParameters.all());
        return all;
    }

    /** The text encoder's parameters ("text_encoder.*"). */
    public Parameters textParameters() {
        return textParameters;
    }

    /** The prompts' text features (rows [B, L, dim] and bag of words), in the model's manager. */
    public TextFeatures encode(List<String> prompts) {
        return text.encode(manager, prompts);
    }

    /** Clips of {@code frames} frames each (the first frames of longer ones), stacked into one [B, T, C, H, W] array. */
    public NDArray stack(List<float[]> clips, int frames) {
        return spec.stack(manager, clips, frames);
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
        if (autoencoder != null) {
            autoencoder.parameters().close();
        }
    }
}
