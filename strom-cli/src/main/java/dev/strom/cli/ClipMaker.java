package dev.strom.cli;

import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;
import dev.strom.media.ContactSheet;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * One video made from the command line, whatever the mode: loads the model, shows progress, keeps the
 * preview up to date as frames arrive, writes the file and says where it went.
 */
final class ClipMaker {

    /** Frames that open the video, read once the model's size is known; null for plain text-to-video. */
    @FunctionalInterface
    interface Opening {
        float[] frames(VideoSpec spec) throws IOException;
    }

    /** The frame count of the result, from the model's spec and the opening's frame count (0 when none). */
    @FunctionalInterface
    interface Length {
        int frames(VideoSpec spec, int openingFrames);
    }

    /** What the model does with the prompt and the opening frames. */
    enum Mode {
        /** Text-to-video, image-to-video, extension: the opening frames start the result. */
        CONTINUE,
        /** Video editing: the opening frames are the source, the result is the edited clip of the same length. */
        EDIT,
        /** Remix: the opening frames are the source, remade under the prompt from their own noise. */
        REMIX
    }

    private ClipMaker() {
    }

    static Path make(VideoOptions v, String prompt, Opening opening, Length length) throws IOException {
        return make(v, prompt, opening, length, Mode.CONTINUE);
    }

    static Path make(VideoOptions v, String prompt, Opening opening, Length length, Mode mode) throws IOException {
        return make(v, prompt, opening, length, mode, null);
    }

    /** @param sourceCaption for a remix, the caption the source is described by ("" for none); else null */
    static Path make(VideoOptions v, String prompt, Opening opening, Length length, Mode mode, String sourceCaption)
            throws IOException {
        ModelOption model = v.model;
        SamplingOptions s = v.sampling;
        OutputOptions o = v.output;
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        Path file = o.validate(s.seed);
        long t0 = System.nanoTime();
        ModelOption.Sampling sampling = model.sampling(s.cfg, s.temperature);
        Path modelDir = model.resolve();
        try (NDManager manager = NDManager.newBaseManager();
             TextToVideo video = ModelStore.load(modelDir, manager)) {
            VideoSpec spec = video.spec();
            float[] context = opening == null ? null : opening.frames(spec);
            int given = context == null ? 0 : context.length / spec.dims(1);
            int n = length.frames(spec, given);
            double rate = o.fps != null ? o.fps : spec.fps();
            float[] sofar = new float[n * spec.dims(1)];
            if (context != null && mode == Mode.CONTINUE) {
                System.arraycopy(context, 0, sofar, 0, context.length);
            }
            ProgressBar bar = new ProgressBar("generate");
            TextToVideo.FrameSink sink = o.preview == null ? null : (first, count, frames, draft) -> {
                System.arraycopy(frames, 0, sofar, first * spec.dims(1), frames.length);
                try {
                    ContactSheet.write(Clip.fromModelLayout(sofar, first + count, spec.size(), spec.size(), rate), o.preview, 4);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            var g = new TextToVideo.Generation(prompt, s.seed, sampling.guidance(), n, s.method(), !s.noDenoise,
                    sampling.temperature(), context);
            dev.strom.flow.StarFlow.Progress progress = (done, total, frac) -> bar.update((done + frac) / total, n + " frames");
            float[] x = switch (mode) {
                case CONTINUE -> video.generate(g, progress, sink);
                case EDIT -> video.edit(g, progress, sink);
                case REMIX -> video.remix(g, sourceCaption, progress, sink);
            };
            Clip clip = Clip.fromModelLayout(x, n, spec.size(), spec.size(), rate);
            Provenance provenance = Provenance.open(o.noProvenance, o.signing, modelDir);
            String settings = String.join("|", mode.name(), prompt, "seed " + s.seed, "cfg " + sampling.guidance(),
                    "frames " + n, "temperature " + sampling.temperature(), s.sampler.name(), "denoise " + !s.noDenoise,
                    "opening " + java.util.Arrays.hashCode(context)) + (sourceCaption == null ? "" : "|from " + sourceCaption);
            ClipWriter.write(clip, file, o.scale, Map.of("title", prompt, "encoder", "Strom"),
                    provenance.watermark(clip, o.scale, settings));
            provenance.sign(file);
            if (o.sheet != null) {
                ContactSheet.write(clip, o.sheet, 4);
                provenance.sign(o.sheet);
            }
            bar.finish(String.format(Locale.ROOT, "%d frames %dx%d at %.0f fps in %.1f s", n, clip.width() * o.scale,
                    clip.height() * o.scale, rate, (System.nanoTime() - t0) / 1e9));
        }
        System.out.println(file.toAbsolutePath());
        return file;
    }
}
