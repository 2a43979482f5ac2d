import ai.djl.ndarray.NDManager;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.Captions;
import dev.strom.data.world.Scene;
import dev.strom.data.world.WorldDataset;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * How well `strom classify` reads held-out clips: the 24 clips the eval's caption choice reads (12 held-out triples x 2,
 * English and German alternating), each under its own caption and every caption that changes only its motion, only
 * its object or only its background; counts the clips whose own caption is the most probable.
 * <pre>java -Dai.djl.offline=true -cp strom-cli/target/strom.jar docs/diagnostics/ClassifyHeldOut.java MODEL DRAWS FRAMES...</pre>
 */
public class ClassifyHeldOut {
    public static void main(String[] a) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); TextToVideo model = ModelStore.load(Path.of(a[0]), m)) {
            var spec = model.spec();
            List<WorldDataset.Sample> held = new WorldDataset(new CaptionedWorld(spec.size(), spec.frames(), spec.fps(), 0), 4242).heldOut(false, 2);
            int draws = Integer.parseInt(a[1]);
            for (int v = 2; v < a.length; v++) {
                int frames = Integer.parseInt(a[v]);
                int[] hits = new int[3];
                for (int j = 0; j < held.size(); j++) {
                    Scene s = held.get(j).scene();
                    boolean german = j % 2 == 1;
                    long template = j;
                    Function<Scene, String> caption = x -> Captions.of(x, german, new Random(template));
                    float[] clip = Arrays.copyOf(held.get(j).clip().toModelLayout(), spec.dims(frames));
                    List<List<Scene>> others = List.of(CaptionedWorld.otherMotions(s), CaptionedWorld.otherObjects(s), CaptionedWorld.otherBackgrounds(s));
                    for (int t = 0; t < 3; t++) {
                        List<String> captions = new ArrayList<>(List.of(caption.apply(s)));
                        others.get(t).stream().map(caption).filter(c -> !c.equals(captions.get(0))).forEach(captions::add);
                        double[] p = model.captionPosterior(clip, captions, draws, 0);
                        boolean own = true;
                        for (int i = 1; i < p.length; i++) {
                            own &= p[0] > p[i];
                        }
                        hits[t] += own ? 1 : 0;
                    }
                }
                System.out.printf("%d draws, first %d frames: motion %d, object %d, background %d of %d%n",
                        draws, frames, hits[0], hits[1], hits[2], held.size());
            }
        }
    }
}
