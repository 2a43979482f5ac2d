package dev.strom.cli;

import dev.strom.data.Clip;
import dev.strom.media.ContactSheet;
import dev.strom.pipeline.Delivery;
import dev.strom.pipeline.VideoPipeline;
import dev.strom.pipeline.VideoRequest;
import dev.strom.video.SampleListener;
import dev.strom.video.VideoSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.DoubleConsumer;

/**
 * One video made from the command line, whatever the mode: shows progress, keeps the preview up to date as
 * frames arrive, delivers the file (watermark and C2PA unless --no-provenance) and says where it went.
 */
final class ClipMaker {

    private ClipMaker() {
    }

    static void make(VideoPipeline pipeline, VideoRequest request, OutputOptions o, Path file) throws IOException {
        long t0 = System.nanoTime();
        VideoSpec spec = pipeline.spec();
        int n = request.frames();
        double rate = o.fps != null ? o.fps : spec.fps();
        ProgressBar bar = new ProgressBar("generate");
        DoubleConsumer progress = fraction -> bar.update(fraction, n + " frames");
        SampleListener listener = progress::accept;
        if (o.preview != null) {
            float[] sofar = new float[spec.dims(n)];
            if (request.source() != null && !request.mode().keepsSourceLength()) {
                float[] opening = request.source().toModelLayout();
                System.arraycopy(opening, 0, sofar, 0, opening.length);
            }
            listener = SampleListener.of(progress, (first, count, frames, draft) -> {
                System.arraycopy(frames, 0, sofar, first * spec.dims(1), frames.length);
                try {
                    ContactSheet.write(Clip.fromModelLayout(sofar, first + count, spec.size(), spec.size(), rate), o.preview, 4);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        Clip made = pipeline.make(request, listener);
        Clip clip = o.fps == null ? made : new Clip(made.frames(), made.height(), made.width(), rate, made.rgb());
        Delivery delivery = Provenance.delivery(o, pipeline.name());
        if (!delivery.write(clip, request, file, o.scale)) {
            System.err.println("strom: " + file.getFileName() + " carries the watermark only: C2PA manifests go into MP4 and PNG files");
        }
        if (o.sheet != null) {
            delivery.writeSheet(clip, o.sheet, 4);
        }
        bar.finish(String.format(Locale.ROOT, "%d frames %dx%d at %.0f fps in %.1f s, seed %d", n, clip.width() * o.scale,
                clip.height() * o.scale, rate, (System.nanoTime() - t0) / 1e9, request.seed()));
        System.out.println(file.toAbsolutePath());
    }
}
