import ai.djl.ndarray.NDManager;
import dev.strom.data.Clip;
import dev.strom.data.world.CaptionedWorld;
import dev.strom.data.world.EditPairs;
import dev.strom.data.world.Hue;
import dev.strom.data.world.Motion;
import dev.strom.data.world.Scene;
import dev.strom.data.world.Thing;
import dev.strom.store.ModelStore;
import dev.strom.video.TextToVideo;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * How much the text decides, in bits, under a model (the figures in the README's model card):
 * java -Dai.djl.offline=true -cp strom-cli/target/strom.jar docs/diagnostics/TextDecides.java models/world-32
 *
 * 1. Motion words: 16 world clips moving left/right/up/down, scored under their caption and under the caption
 *    with the opposite direction, over their first 1, 2, 3, 5 and 16 frames (mean extra bits per clip).
 * 2. Edit instructions: 8 English background edits; bits/dim of the first target frame given the 8 source
 *    frames, under the right instruction and under a wrong colour.
 */
public class TextDecides {

    public static void main(String[] args) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); TextToVideo video = ModelStore.load(Path.of(args[0]), m)) {
            var spec = video.spec();
            int plane = spec.dims(1);
            CaptionedWorld world = new CaptionedWorld(spec.size(), spec.frames(), spec.fps(), 0);
            Motion[] motions = {Motion.LEFT, Motion.RIGHT, Motion.UP, Motion.DOWN};
            int[] prefixes = {1, 2, 3, 5, spec.frames()};
            double[] extra = new double[prefixes.length];
            for (int i = 0; i < 16; i++) {
                Motion motion = motions[i % 4];
                Motion opposite = motions[(i % 4) ^ 1];
                Thing thing = Thing.values()[i % 8];
                Hue bg = thing.hue() == Hue.BLUE ? Hue.BLACK : Hue.BLUE;
                Clip clip = world.render(world.scene(new Scene.Combo(thing, motion, bg), 100 + i));
                for (int j = 0; j < prefixes.length; j++) {
                    float[] x = Arrays.copyOf(clip.toModelLayout(), prefixes[j] * plane);
                    double[] b = video.bitsPerDim(List.of(x, x), prefixes[j],
                            List.of(caption(thing, motion, bg), caption(thing, opposite, bg)), 7);
                    extra[j] += (b[1] - b[0]) * x.length / 16;
                }
            }
            for (int j = 0; j < prefixes.length; j++) {
                System.out.printf("opposite direction in the caption, first %2d frames: %+.1f bits per clip%n", prefixes[j], extra[j]);
            }
            EditPairs pairs = new EditPairs(world, 4242);
            List<Hue> backgrounds = CaptionedWorld.BACKGROUNDS;
            int half = spec.frames() / 2;
            for (int i = 0, shown = 0; shown < 8; i++) {
                EditPairs.Pair p = pairs.pair(i);
                if (p.change() != EditPairs.Change.BACKGROUND || p.german()) {
                    continue;
                }
                shown++;
                float[] withTarget = Arrays.copyOf(p.source().toModelLayout(), (half + 1) * plane);
                System.arraycopy(p.target().toModelLayout(), 0, withTarget, half * plane, plane);
                float[] source = Arrays.copyOf(withTarget, half * plane);
                Hue right = p.after().background();
                Hue wrong = backgrounds.get((backgrounds.indexOf(right) + 1) % backgrounds.size());
                if (wrong == p.before().background()) {
                    wrong = backgrounds.get((backgrounds.indexOf(wrong) + 1) % backgrounds.size());
                }
                List<String> captions = List.of(TextToVideo.editCaption("make the background " + right.english()),
                        TextToVideo.editCaption("make the background " + wrong.english()));
                double[] both = video.bitsPerDim(List.of(withTarget, withTarget), half + 1, captions, 7);
                double[] src = video.bitsPerDim(List.of(source, source), half, captions, 7);
                double[] frame = new double[2];
                for (int k = 0; k < 2; k++) {
                    frame[k] = (both[k] * withTarget.length - src[k] * source.length) / plane;
                }
                System.out.printf("edit %s -> %s: first target frame %.3f bits/dim under the instruction, %.3f under \"%s\"%n",
                        p.before().background().english(), right.english(), frame[0], frame[1], wrong.english());
            }
        }
    }

    private static String caption(Thing thing, Motion motion, Hue bg) {
        return "a " + thing.hue().english() + " " + thing.english() + " " + motion.english() + " on a " + bg.english() + " background";
    }
}
