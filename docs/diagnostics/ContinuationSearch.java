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
 * Likelihood-guided search over continuations (session 8, dropped): each held-out directional prompt is made stage
 * by stage (frames 0-1, then up to 4, 7, 10, 13, 16, each stage a continuation of the frames picked so far); a stage
 * draws N candidates and keeps the one whose new frames, given the frames before them, the model reads as most
 * likely under the prompt's own motion among all nine (mean log-likelihood over DRAWS noise draws). Compared with one
 * 16-frame sample and with the same stages without a choice (N = 1), by the eval's tracker.
 * Measured on stage 6, N 4, 2 draws, seed 1000, stages 2,4,7,10,13,16: of 18 directional prompts, one sample 9, stages
 * without a choice 11, with the choice 12 (one-seed figures move by about 4 of 18); all three took 1428 s for the 18.
 * The picked continuations were read as their own motion with a posterior of only 0.1-0.4 in most stages: the samples
 * rarely hold a continuation that moves the named way, so there is little to pick.
 * Run: java -Dai.djl.offline=true -cp strom-cli/target/strom.jar docs/diagnostics/ContinuationSearch.java MODEL N DRAWS SEED STAGES
 */
public class ContinuationSearch {
    /** P(the prompt's own motion | the frames from {@code from} on, given those before), over the nine motions. */
    static double contShare(TextToVideo model, float[] x, List<String> caps, int from, int draws, long seed) {
        return model.captionPosterior(x, from, caps, draws, seed)[0];
    }
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[1]); int draws = Integer.parseInt(a[2]); long seed0 = Long.parseLong(a[3]);
        int[] stages = Arrays.stream(a[4].split(",")).mapToInt(Integer::parseInt).toArray();
        try (NDManager m = NDManager.newBaseManager(); TextToVideo model = ModelStore.load(Path.of(a[0]), m)) {
            var spec = model.spec(); int plane = spec.dims(1);
            CaptionedWorld world = new CaptionedWorld(spec.size(), spec.frames(), spec.fps(), 0);
            List<Scene.Combo> combos = CaptionedWorld.HELD_OUT.stream().sorted(Comparator.comparing(Scene.Combo::toString)).toList();
            int cases = 0, base = 0, staged = 0, searched = 0;
            long t0 = System.currentTimeMillis();
            for (boolean german : new boolean[]{false, true}) {
                for (Scene.Combo c : combos) {
                    Scene scene = world.scene(c, 0);
                    String prompt = Captions.of(scene, german, new Random(31L * c.toString().hashCode()));
                    List<String> caps = new ArrayList<>(); caps.add(prompt);
                    for (Scene o : CaptionedWorld.otherMotions(scene)) caps.add(Captions.of(o, german, new Random(31L * c.toString().hashCode())));
                    float[] full = model.generate(new TextToVideo.Generation(prompt, seed0, 4f, 16, new JacobiInverse(16, 32, 1e-3), true, 0.5f), null);
                    Boolean okBase = TemporalQuality.movesAsPrompted(Clip.fromModelLayout(full, 16, 32, 32, 8), c.motion());
                    if (okBase == null) continue;
                    cases++;
                    float[][] results = new float[2][];
                    for (int mode = 0; mode < 2; mode++) {
                        int cands = mode == 0 ? 1 : n;
                        float[] prefix = null;
                        StringBuilder log = new StringBuilder();
                        for (int s = 0; s < stages.length; s++) {
                            float[] best = null; double bestP = -1;
                            for (int k = 0; k < cands; k++) {
                                long seed = seed0 * 1000 + s * 37 + k;
                                float[] x = model.generate(new TextToVideo.Generation(prompt, seed, 4f, stages[s], new JacobiInverse(16, 32, 1e-3), true, 0.5f, prefix), null);
                                double p = cands == 1 ? 1 : contShare(model, x, caps, s == 0 ? 0 : stages[s-1], draws, seed);
                                if (p > bestP) { bestP = p; best = x; }
                            }
                            log.append(String.format(" %.2f", bestP));
                            prefix = best;
                        }
                        results[mode] = prefix;
                        if (mode == 1) System.out.print("   p:" + log);
                    }
                    Boolean okStaged = TemporalQuality.movesAsPrompted(Clip.fromModelLayout(results[0], 16, 32, 32, 8), c.motion());
                    Boolean okSearch = TemporalQuality.movesAsPrompted(Clip.fromModelLayout(results[1], 16, 32, 32, 8), c.motion());
                    base += okBase ? 1 : 0; staged += okStaged ? 1 : 0; searched += okSearch ? 1 : 0;
                    System.out.printf("  %s | base %s staged %s search %s (%ds)%n", prompt, okBase, okStaged, okSearch, (System.currentTimeMillis() - t0) / 1000);
                }
            }
            System.out.printf("cases %d: base %d, staged %d, searched %d%n", cases, base, staged, searched);
        }
    }
}
