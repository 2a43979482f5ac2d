import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.data.world.*;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import dev.strom.eval.TemporalQuality;
import dev.strom.flow.*;
import java.nio.file.Path;
import java.util.*;

/**
 * Where generated objects start and which way they go, per motion word and guidance weight:
 * java -Dai.djl.offline=true -cp strom-cli/target/strom.jar docs/diagnostics/Placement.java MODEL TEMPERATURE W...
 * For each of left/right/up/down and each weight W: 6 clips (6 objects), the tracked object's frame-0 centre,
 * its mean displacement over the clip, and how many move the named way (TemporalQuality.movesAsPrompted).
 */
public class Placement {
    public static void main(String[] a) throws Exception {
        Path model = Path.of(a[0]);
        float temp = Float.parseFloat(a[1]);
        try (NDManager m = NDManager.newBaseManager(); TextToVideo video = ModelStore.load(model, m)) {
            var spec = video.spec();
            for (int ai = 2; ai < a.length; ai++) {
                float w = Float.parseFloat(a[ai]);
                for (Motion mo : new Motion[]{Motion.LEFT, Motion.RIGHT, Motion.UP, Motion.DOWN}) {
                    double sx = 0, sy = 0, dx = 0, dy = 0; int n = 0, ok = 0;
                    for (int i = 0; i < 6; i++) {
                        Thing t = Thing.values()[i];
                        Hue bg = t.hue() == Hue.BLUE ? Hue.BLACK : Hue.BLUE;
                        String cap = "a " + t.hue().english() + " " + t.english() + " " + mo.english() + " on a " + bg.english() + " background";
                        var g = new TextToVideo.Generation(cap, 42 + i, w, spec.frames(), new JacobiInverse(16, 32, 1e-3), true, temp, null);
                        Clip c = Clip.fromModelLayout(video.generate(g, null), spec.frames(), spec.size(), spec.size(), spec.fps());
                        double[][] tr = TemporalQuality.track(c);
                        if (!Double.isNaN(tr[0][0])) { sx += tr[0][0]; sy += tr[0][1]; n++; }
                        int L = spec.frames() - 1;
                        if (!Double.isNaN(tr[0][0]) && !Double.isNaN(tr[L][0])) { dx += tr[L][0] - tr[0][0]; dy += tr[L][1] - tr[0][1]; }
                        if (Boolean.TRUE.equals(TemporalQuality.movesAsPrompted(c, mo))) ok++;
                    }
                    System.out.printf("w %.1f %-12s f0 x %.1f y %.1f | dx %.1f dy %.1f | moves %d/6%n", w, mo.english(), sx / n, sy / n, dx / 6, dy / 6, ok);
                }
            }
        }
    }
}
