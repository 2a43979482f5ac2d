import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.flow.JacobiInverse;
import dev.strom.media.ClipWriter;
import dev.strom.media.MediaDecoder;
import dev.strom.provenance.*;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import java.nio.file.*;
import java.util.Map;

/**
 * One generated clip marked under N payloads at an upscale, written as MP4, read back: how many are detected and the lowest
 * score. Run: java -Dai.djl.offline=true -cp strom-cli/target/strom.jar docs/diagnostics/WatermarkMargin.java MODEL PROMPT SEED N SCALE TAG
 */
public class WatermarkMargin {
    public static void main(String[] a) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); TextToVideo model = ModelStore.load(Path.of(a[0]), m)) {
            var s = model.spec();
            float[] x = model.generate(new TextToVideo.Generation(a[1], Long.parseLong(a[2]), 4f, s.frames(),
                    new JacobiInverse(16, 32, 1e-3), true, 0.5f), null);
            Clip clip = Clip.fromModelLayout(x, s.frames(), s.size(), s.size(), s.fps());
            int n = Integer.parseInt(a[3]), scale = Integer.parseInt(a[4]), hits = 0;
            double min = 9;
            Path f = Files.createTempFile("wm", ".mp4");
            for (int i = 0; i < n; i++) {
                WatermarkPayload p = new WatermarkPayload(WatermarkPayload.modelIdOf("world-32"), WatermarkPayload.clipIdOf("run" + i + "-" + a[5]));
                ClipWriter.write(clip, f, scale, Map.of(), Watermark.informed(p, clip, scale).filter());
                WatermarkDetection d = Watermark.detect(MediaDecoder.storedPixels(f));
                hits += d.detected() ? 1 : 0;
                min = Math.min(min, d.score());
            }
            System.out.printf("%s seed %s: detected %d of %d payloads, lowest score %.3f%n", a[1], a[2], hits, n, min);
        }
    }
}
