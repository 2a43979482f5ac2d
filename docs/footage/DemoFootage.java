import org.bytedeco.javacpp.Loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a small captioned folder of footage unlike the built-in world, for trying (and measuring) fine-tuning:
 * FFmpeg's synthetic sources (test patterns, Mandelbrot zooms, Game of Life, cellular automata, colour
 * gradients) at varied parameters, 4 s clips at 96x64 and 8 fps (so training crops them), a few stills, and
 * captions.csv. Deterministic: the same command writes the same folder. Uses the ffmpeg executable that ships
 * in JavaCV's FFmpeg artifact, so nothing needs installing.
 *
 * <pre>java -cp strom-cli/target/strom.jar docs/footage/DemoFootage.java /tmp/footage</pre>
 */
public class DemoFootage {

    record Source(String name, String filter, String caption) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp strom-cli/target/strom.jar docs/footage/DemoFootage.java OUT_DIR");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        String size = "s=96x64:r=8";
        List<Source> clips = new ArrayList<>();
        String[] palettes = {"red", "green", "blue", "yellow", "cyan", "magenta"};
        for (int i = 0; i < 4; i++) {
            clips.add(new Source("testsrc2-" + i, "testsrc2=" + size + ",hue=h=" + (i * 90),
                    "a colourful test pattern with a moving square, hue turned " + (i * 90) + " degrees"));
        }
        for (int i = 0; i < 4; i++) {
            double scale = 3.0 / (1 + i);
            clips.add(new Source("mandelbrot-" + i, String.format(Locale.ROOT,
                    "mandelbrot=%s:start_scale=%.3f:end_scale=%.4f:inner=%s", size, scale, scale / 50,
                    i % 2 == 0 ? "black" : "period"), "a mandelbrot fractal zooming in" + (i % 2 == 0 ? " on black" : " with coloured bands")));
        }
        for (int i = 0; i < 4; i++) {
            clips.add(new Source("life-" + i, String.format(Locale.ROOT,
                    "life=%s:seed=%d:ratio=%.2f:mold=%d:life_color=%s:death_color=black:mold_color=%s", size, 11 + i,
                    0.2 + 0.1 * i, i % 2 == 0 ? 0 : 10, palettes[i], palettes[(i + 3) % 6]),
                    "the game of life, " + palettes[i] + " cells on black" + (i % 2 == 0 ? "" : " with fading trails")));
        }
        int[] rules = {18, 30, 90, 110};
        for (int i = 0; i < 4; i++) {
            clips.add(new Source("cellauto-" + i, String.format(Locale.ROOT,
                    "cellauto=%s:rule=%d:seed=%d:random_fill_ratio=0.5,negate", size, rules[i], 5 + i),
                    "cellular automaton rule " + rules[i] + " scrolling up, black on white"));
        }
        for (int i = 0; i < 4; i++) {
            clips.add(new Source("gradients-" + i, String.format(Locale.ROOT,
                    "gradients=%s:c0=%s:c1=%s:speed=%.3f:seed=%d:type=%s", size, palettes[i], palettes[(i + 2) % 6],
                    0.02 + 0.02 * i, 3 + i, i % 2 == 0 ? "linear" : "radial"),
                    "a " + (i % 2 == 0 ? "linear" : "radial") + " gradient from " + palettes[i] + " to "
                            + palettes[(i + 2) % 6] + " slowly turning"));
        }
        StringBuilder csv = new StringBuilder("file,caption\n");
        for (Source s : clips) {
            run(ffmpeg, "-f", "lavfi", "-i", s.filter(), "-t", "4", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-crf", "18",
                    out.resolve(s.name() + ".mp4").toString());
            csv.append(s.name()).append(".mp4,\"").append(s.caption()).append("\"\n");
        }
        // Stills: the second frame of a few sources, as PNG images.
        for (int i = 0; i < 4; i++) {
            Source s = clips.get(i * 5);
            run(ffmpeg, "-f", "lavfi", "-i", s.filter(), "-ss", "1", "-frames:v", "1", out.resolve(s.name() + "-still.png").toString());
            csv.append(s.name()).append("-still.png,\"a still of ").append(s.caption()).append("\"\n");
        }
        Files.writeString(out.resolve("captions.csv"), csv.toString());
        System.out.println(out);
    }

    private static void run(String ffmpeg, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-y", "-loglevel", "error", "-nostdin"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        // the executable finds FFmpeg's libraries beside it, where JavaCPP unpacked them
        pb.environment().put("LD_LIBRARY_PATH", Path.of(ffmpeg).getParent().toString());
        Process p = pb.start();
        if (p.waitFor() != 0) {
            throw new IOException("ffmpeg failed: " + String.join(" ", cmd));
        }
    }
}
