import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.data.world.*;
import dev.strom.eval.*;
import dev.strom.flow.JacobiInverse;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;
import java.nio.file.Path;
import java.util.*;

/**
 * Best of N held-out generations by the model's own likelihood (session 6, dropped): for each held-out directional prompt,
 * N clips; picked by the bits the prompt saves over no caption, or over the best other-motion caption.
 * Run: java -Dai.djl.offline=true -cp strom-cli/target/strom.jar docs/diagnostics/BestOfMotion.java MODEL N
 */
public class BestOfMotion {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[1]);
        try (NDManager m = NDManager.newBaseManager(); TextToVideo model = ModelStore.load(Path.of(a[0]), m)) {
            var spec = model.spec();
            CaptionedWorld world = new CaptionedWorld(spec.size(), spec.frames(), spec.fps(), 0);
            List<Scene.Combo> combos = CaptionedWorld.HELD_OUT.stream().sorted(Comparator.comparing(Scene.Combo::toString)).toList();
            int cases = 0, first = 0, byPmi = 0, byContrast = 0, any = 0;
            for (boolean german : new boolean[]{false, true}) {
                for (Scene.Combo c : combos) {
                    Scene scene = world.scene(c, 0);
                    Random rng = new Random(31L * c.toString().hashCode());
                    String prompt = german ? Captions.german(scene, rng) : Captions.english(scene, rng);
                    List<String> others = new ArrayList<>();
                    for (Scene o : CaptionedWorld.otherMotions(scene)) {
                        Random r2 = new Random(31L * c.toString().hashCode());
                        others.add(german ? Captions.german(o, r2) : Captions.english(o, r2));
                    }
                    Boolean[] ok = new Boolean[n];
                    double[] pmi = new double[n], contrast = new double[n];
                    for (int k = 0; k < n; k++) {
                        float[] x = model.generate(new TextToVideo.Generation(prompt, 1000 + k, 4f, 16, new JacobiInverse(16, 32, 1e-3), true, 0.5f), null);
                        Clip clip = Clip.fromModelLayout(x, 16, 32, 32, 8);
                        ok[k] = TemporalQuality.movesAsPrompted(clip, c.motion());
                        float[] q = clip.toModelLayout();
                        double bits = model.bitsPerDim(q, prompt, 0);
                        pmi[k] = model.bitsPerDim(q, null, 0) - bits;
                        double best = Double.MAX_VALUE;
                        for (String o : others) best = Math.min(best, model.bitsPerDim(q, o, 0));
                        contrast[k] = best - bits;
                    }
                    if (ok[0] == null) continue;
                    cases++;
                    int ip = 0, ic = 0;
                    for (int k = 1; k < n; k++) { if (pmi[k] > pmi[ip]) ip = k; if (contrast[k] > contrast[ic]) ic = k; }
                    first += ok[0] ? 1 : 0; byPmi += ok[ip] ? 1 : 0; byContrast += ok[ic] ? 1 : 0;
                    boolean anyOk = false; for (Boolean b : ok) anyOk |= b; any += anyOk ? 1 : 0;
                    System.out.printf("%s: %s pmi %s contrast %s%n", prompt, Arrays.toString(ok), Arrays.toString(Arrays.stream(pmi).map(v -> Math.round(v * 1000) / 1000.0).toArray()), Arrays.toString(Arrays.stream(contrast).map(v -> Math.round(v * 1000) / 1000.0).toArray()));
                }
            }
            System.out.printf("directional cases %d: first sample %d, best by PMI %d, best by motion contrast %d, any %d%n", cases, first, byPmi, byContrast, any);
        }
    }
}
