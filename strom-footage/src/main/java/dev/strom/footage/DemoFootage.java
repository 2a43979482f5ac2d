package dev.strom.footage;

import dev.strom.data.AtomicFiles;
import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.Frame;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A small captioned folder of footage unlike the built-in world, for trying (and measuring) fine-tuning on your
 * own footage: FFmpeg's synthetic sources (test patterns, Mandelbrot zooms, Game of Life, cellular automata,
 * colour gradients) at varied parameters, as 96x64 MP4 clips at 8 fps (not square, so training crops them), a
 * few PNG stills, and {@code captions.csv}. The sources are FFmpeg filters run in this process, so nothing needs
 * installing. Deterministic: on one machine, the same options write the same files.
 */
public final class DemoFootage {

    static final int WIDTH = 96;
    static final int HEIGHT = 64;
    static final int FPS = 8;
    /** Each of the five kinds of source comes in up to this many variants. */
    static final int MAX_VARIANTS = 4;
    /** Stills are taken of the first four kinds, each the frame at one second. */
    private static final int STILLS = 4;
    private static final int STILL_FRAME = FPS;
    private static final String[] PALETTE = {"red", "green", "blue", "yellow", "cyan", "magenta"};
    private static final int[] RULES = {18, 30, 90, 110};

    /**
     * How much to write: {@code variants} of each kind of source (1-4) as clips of {@code seconds} each. The
     * full folder, {@link #FULL}, is 20 clips of 4 s and 4 stills; fewer and shorter clips write faster.
     */
    public record Options(int variants, int seconds) {
        public static final Options FULL = new Options(MAX_VARIANTS, 4);

        public Options {
            if (variants < 1 || variants > MAX_VARIANTS) {
                throw new IllegalArgumentException("variants of each source must be 1 to " + MAX_VARIANTS + ", got " + variants);
            }
            if (seconds < 1 || seconds > 60) {
                throw new IllegalArgumentException("seconds per clip must be 1 to 60, got " + seconds);
            }
        }

        int frames() {
            return seconds * FPS;
        }
    }

    /** A file written, named relative to the folder, and its caption. */
    public record Entry(String file, String caption) {
    }

    /** One synthetic source: the file's name without extension, the FFmpeg filter that makes it, its caption. */
    record Source(String name, String filter, String caption) {
    }

    private DemoFootage() {
    }

    /**
     * Writes the footage into {@code folder} (created if missing; it must be new or empty, so nobody's files are
     * overwritten) and returns what it wrote, clips first, in the order of {@code captions.csv}.
     */
    public static List<Entry> write(Path folder, Options options) throws IOException {
        prepare(folder);
        List<Source> sources = sources(options.variants());
        List<Entry> written = new ArrayList<>();
        List<Entry> stills = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            boolean still = takesStill(i / options.variants(), i % options.variants(), options.variants());
            int frames = still ? Math.max(options.frames(), STILL_FRAME + 1) : options.frames();
            Clip footage = rendered(s.filter(), frames);
            ClipWriter.write(footage.window(0, options.frames()), folder.resolve(s.name() + ".mp4"), 1);
            written.add(new Entry(s.name() + ".mp4", s.caption()));
            if (still) {
                String name = s.name() + "-still.png";
                AtomicFiles.write(folder.resolve(name), ".part.png",
                        tmp -> ImageIO.write(ClipWriter.frame(footage, STILL_FRAME, 1), "png", tmp.toFile()));
                stills.add(new Entry(name, "a still of " + s.caption()));
            }
        }
        written.addAll(stills);
        StringBuilder csv = new StringBuilder("file,caption\n");
        for (Entry e : written) {
            // the captions hold commas, so every one is quoted
            csv.append(e.file()).append(",\"").append(e.caption().replace("\"", "\"\"")).append("\"\n");
        }
        AtomicFiles.write(folder.resolve(FolderCaptions.CSV), out -> out.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        return written;
    }

    private static void prepare(Path folder) throws IOException {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException("not a folder: " + folder);
        }
        if (Files.isDirectory(folder)) {
            try (Stream<Path> entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(folder + " is not empty: demo footage goes into a new or empty folder");
                }
            }
        }
        Files.createDirectories(folder);
    }

    /** The sources in the order they are written: each kind's variants, kind after kind. */
    static List<Source> sources(int variants) {
        String size = "s=" + WIDTH + "x" + HEIGHT + ":r=" + FPS;
        List<Source> out = new ArrayList<>();
        for (int i = 0; i < variants; i++) {
            out.add(new Source("testsrc2-" + i, "testsrc2=" + size + ",hue=h=" + (i * 90),
                    "a colourful test pattern with a moving square, hue turned " + (i * 90) + " degrees"));
        }
        for (int i = 0; i < variants; i++) {
            double scale = 3.0 / (1 + i);
            out.add(new Source("mandelbrot-" + i, String.format(Locale.ROOT,
                    "mandelbrot=%s:start_scale=%.3f:end_scale=%.4f:inner=%s", size, scale, scale / 50, i % 2 == 0 ? "black" : "period"),
                    "a mandelbrot fractal zooming in" + (i % 2 == 0 ? " on black" : " with coloured bands")));
        }
        for (int i = 0; i < variants; i++) {
            out.add(new Source("life-" + i, String.format(Locale.ROOT,
                    "life=%s:seed=%d:ratio=%.2f:mold=%d:life_color=%s:death_color=black:mold_color=%s", size, 11 + i,
                    0.2 + 0.1 * i, i % 2 == 0 ? 0 : 10, PALETTE[i], PALETTE[(i + 3) % 6]),
                    "the game of life, " + PALETTE[i] + " cells on black" + (i % 2 == 0 ? "" : " with fading trails")));
        }
        for (int i = 0; i < variants; i++) {
            out.add(new Source("cellauto-" + i, String.format(Locale.ROOT,
                    "cellauto=%s:rule=%d:seed=%d:random_fill_ratio=0.5,negate", size, RULES[i], 5 + i),
                    "cellular automaton rule " + RULES[i] + " scrolling up, black on white"));
        }
        for (int i = 0; i < variants; i++) {
            String type = i % 2 == 0 ? "linear" : "radial";
            out.add(new Source("gradients-" + i, String.format(Locale.ROOT,
                    "gradients=%s:c0=%s:c1=%s:speed=%.3f:seed=%d:type=%s", size, PALETTE[i], PALETTE[(i + 2) % 6],
                    0.02 + 0.02 * i, 3 + i, type),
                    "a " + type + " gradient from " + PALETTE[i] + " to " + PALETTE[(i + 2) % 6] + " slowly turning"));
        }
        return out;
    }

    /**
     * Whether a still is taken of variant {@code variant} of kind {@code kind}: one still of each of the first four
     * kinds, of variant k of kind k (counted round when there are fewer variants), so the stills differ in kind and
     * in parameters.
     */
    private static boolean takesStill(int kind, int variant, int variants) {
        return kind < STILLS && variant == kind % variants;
    }

    /**
     * The one thread FFmpeg's source filters run on, never the one that encodes: rendered on the encoding thread, the
     * same clips encoded to different bytes in 0-9 of 16 runs (the renders were identical every time, the decoded
     * pixels differed from frame 1 or 2 on); each render on a fresh thread, 2 of 64; all of them on one other thread,
     * none of 64 (docs/experiments.md, session 26). Whatever the filters leave behind is per thread.
     */
    private static final ExecutorService RENDERER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "demo-footage-render");
        t.setDaemon(true);
        return t;
    });

    /** {@link #render} on the {@link #RENDERER} thread. */
    private static Clip rendered(String filter, int frames) throws IOException {
        try {
            return RENDERER.submit(() -> render(filter, frames)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while rendering " + filter, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("FFmpeg's " + filter + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** The first {@code frames} frames of an FFmpeg source filter, as RGB. */
    static Clip render(String filter, int frames) throws IOException {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        byte[] rgb = new byte[frames * HEIGHT * WIDTH * 3];
        int row = WIDTH * 3;
        // A frame filter reads frames pushed into [in]; a source filter makes its own, so [in] goes to nullsink.
        try (FFmpegFrameFilter source = new FFmpegFrameFilter("[in]nullsink;" + filter + ",format=rgb24[out]", WIDTH, HEIGHT)) {
            source.start();
            for (int t = 0; t < frames; t++) {
                Frame f = source.pullImage();
                if (f == null || f.imageWidth != WIDTH || f.imageHeight != HEIGHT) {
                    throw new IOException("FFmpeg's " + filter + " gave no " + WIDTH + "x" + HEIGHT + " frame " + t);
                }
                ByteBuffer pixels = (ByteBuffer) f.image[0];
                for (int y = 0; y < HEIGHT; y++) {
                    pixels.get(y * f.imageStride, rgb, (t * HEIGHT + y) * row, row);
                }
            }
            source.stop();
        }
        return new Clip(frames, HEIGHT, WIDTH, FPS, rgb);
    }
}
