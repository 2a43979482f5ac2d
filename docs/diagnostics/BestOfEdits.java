import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.data.world.*;
import dev.strom.eval.TemporalQuality;
import dev.strom.flow.JacobiInverse;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import java.nio.file.Path;
import java.util.*;

/**
 * Best of N edits by the text's own bits: java -Dai.djl.offline=true -cp strom-cli/target/strom.jar
 * docs/diagnostics/BestOfEdits.java MODEL N COUNT. For the first COUNT eval edit pairs (EditPairs seed 4242, as
 * strom eval), N edits with different seeds; each is scored by bits(source + edit | "") - bits(source + edit |
 * instruction) over the first window, and the pixels say whether the asked change was made (first sample, the
 * highest-scoring one, any of the N).
 */
public class BestOfEdits {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[1]), count = Integer.parseInt(a[2]);
        try (NDManager m = NDManager.newBaseManager(); TextToVideo video = ModelStore.load(Path.of(a[0]), m)) {
            var spec = video.spec();
            CaptionedWorld world = new CaptionedWorld(spec.size(), spec.frames(), spec.fps(), 0);
            EditPairs pairs = new EditPairs(world, 4242);
            int plane = spec.dims(1), half = spec.frames() / 2;
            int base = 0, best = 0, oracle = 0;
            for (int i = 0; i < count; i++) {
                EditPairs.Pair p = pairs.pair(i);
                float[] src = p.source().toModelLayout();
                double bestScore = -1e18; boolean bestOk = false, any = false;
                for (int k = 0; k < n; k++) {
                    float[] x = video.edit(new TextToVideo.Generation(p.instruction(), 2000 + i + 1000L * k, 4f, spec.frames(),
                            new JacobiInverse(16, 32, 1e-3), true, 0.5f, src), null, null);
                    Clip c = Clip.fromModelLayout(x, spec.frames(), spec.size(), spec.size(), spec.fps());
                    float[] q = c.toModelLayout();
                    float[] both = new float[2 * half * plane];
                    System.arraycopy(src, 0, both, 0, half * plane);
                    System.arraycopy(q, 0, both, half * plane, half * plane);
                    double score = (video.bitsPerDim(both, "", 3) - video.bitsPerDim(both, TextToVideo.editCaption(p.instruction()), 3)) * both.length;
                    boolean ok = p.change() == EditPairs.Change.OBJECT ? TemporalQuality.objectHue(c) == p.after().primary().thing().hue()
                            : TemporalQuality.backgroundHue(c) == p.after().background();
                    if (k == 0 && ok) base++;
                    any |= ok;
                    if (score > bestScore) { bestScore = score; bestOk = ok; }
                    System.out.printf("  %d/%d %s k%d pmi %.1f ok %b%n", i, count, p.instruction(), k, score, ok);
                }
                if (bestOk) best++;
                if (any) oracle++;
            }
            System.out.printf("%s: first sample %d/%d, best of %d by text bits %d/%d, any %d/%d%n", a[0], base, count, n, best, count, oracle, count);
        }
    }
}
