import ai.djl.ndarray.NDManager;
import dev.strom.flow.JacobiInverse;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import java.nio.file.Path;

/**
 * Generation time of one 16-frame clip with and without a frame sink (streamed drafts), median of 7.
 * Run: java -Dai.djl.offline=true -cp strom-cli/target/strom.jar docs/diagnostics/DraftCost.java MODEL
 */
public class DraftCost {
    public static void main(String[] a) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); TextToVideo model = ModelStore.load(Path.of(a[0]), m)) {
            var g = new TextToVideo.Generation("a red apple moving left on a blue background", 1, 4f, 16, new JacobiInverse(16, 32, 1e-3), true, 0.5f);
            model.generate(g, null);
            double[] wo = new double[7], wi = new double[7];
            for (int r = 0; r < 7; r++) {
                long t0 = System.nanoTime();
                model.generate(g, null);
                long t1 = System.nanoTime();
                model.generate(g, null, (f, c, x, d) -> { });
                long t2 = System.nanoTime();
                wo[r] = (t1 - t0) / 1e9; wi[r] = (t2 - t1) / 1e9;
            }
            java.util.Arrays.sort(wo); java.util.Arrays.sort(wi);
            System.out.printf("median of 7: without drafts %.2f s, with drafts %.2f s%n", wo[3], wi[3]);
        }
    }
}
