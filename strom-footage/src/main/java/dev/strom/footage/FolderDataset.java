package dev.strom.footage;

import dev.strom.data.Clip;
import dev.strom.media.MediaDecoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A folder of your own clips and images with captions, as training clips: videos are cut into windows of the
 * model's length at its frame rate, images become one-frame clips. Files that cannot train (unreadable, too
 * small, no or an empty caption) are skipped with one warning each. Decoded clips are cached on disk, so a second
 * load decodes only what changed. About one file in ten is held out for measuring bits/dim.
 */
public final class FolderDataset {

    /** File name endings read as media (through FFmpeg, images included). */
    static final Set<String> MEDIA = Set.of("mp4", "mov", "m4v", "avi", "webm", "mkv", "gif", "png", "jpg", "jpeg");

    /** One training clip: a window of a video (or an image as one frame) and its caption. */
    public record Item(String file, Clip clip, String caption) {
    }

    private final Path folder;
    private final Preprocessing prep;
    private final List<Item> train;
    private final List<Item> heldOut;
    private final List<SkippedFile> skipped;
    private final int videos;
    private final int images;
    private final int decoded;
    private final int cached;

    private FolderDataset(Path folder, Preprocessing prep, List<Item> train, List<Item> heldOut, List<SkippedFile> skipped,
                          int videos, int images, int decoded, int cached) {
        this.folder = folder;
        this.prep = prep;
        this.train = train;
        this.heldOut = heldOut;
        this.skipped = skipped;
        this.videos = videos;
        this.images = images;
        this.decoded = decoded;
        this.cached = cached;
    }

    /** Reads a folder, reporting each skipped file to {@code warnings} as it is found. */
    public static FolderDataset load(Path folder, Preprocessing prep, Consumer<String> warnings) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("not a folder: " + folder);
        }
        FolderCaptions captions = FolderCaptions.read(folder);
        ShardCache cache = ShardCache.open(folder, prep);
        List<SkippedFile> skipped = new ArrayList<>();
        List<String> usable = new ArrayList<>();
        List<List<Item>> windows = new ArrayList<>();
        Set<String> present = new HashSet<>();
        int decoded = 0, cached = 0, images = 0;
        for (Path file : mediaFiles(folder)) {
            String name = folder.relativize(file).toString().replace('\\', '/');
            present.add(name);
            String caption = captions.of(name);
            String reason = caption == null ? "no caption" : caption.isEmpty() ? "empty caption" : null;
            List<Clip> clips = List.of();
            if (reason == null) {
                long size = Files.size(file);
                long mtime = Files.getLastModifiedTime(file).toMillis();
                ShardCache.Entry hit = cache.lookup(name, size, mtime);
                if (hit != null) {
                    cached++;
                    reason = hit.skipped();
                    clips = reason == null ? cache.clips(name, hit) : List.of();
                } else {
                    decoded++;
                    try {
                        MediaDecoder.Media media = MediaDecoder.decode(file, prep.target(), prep.fit());
                        if (media.storedWidth() < Preprocessing.MIN_SIDE || media.storedHeight() < Preprocessing.MIN_SIDE) {
                            reason = media.storedWidth() + "x" + media.storedHeight() + " is smaller than "
                                    + Preprocessing.MIN_SIDE + "x" + Preprocessing.MIN_SIDE;
                        } else {
                            clips = media.windows(prep.frames(), prep.stride());
                        }
                    } catch (IOException | RuntimeException e) {
                        reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    }
                    if (reason == null) {
                        cache.putClips(name, size, mtime, clips);
                    } else {
                        cache.putSkipped(name, size, mtime, reason);
                    }
                }
            }
            if (reason != null) {
                SkippedFile s = new SkippedFile(name, reason);
                skipped.add(s);
                warnings.accept(s.toString());
                continue;
            }
            usable.add(name);
            if (clips.size() == 1 && clips.get(0).frames() == 1) {
                images++;
            }
            List<Item> items = new ArrayList<>();
            for (Clip c : clips) {
                items.add(new Item(name, c, caption));
            }
            windows.add(items);
        }
        cache.commit(present);
        Set<String> held = HeldOutSplit.of(usable);
        List<Item> train = new ArrayList<>();
        List<Item> heldOut = new ArrayList<>();
        for (int i = 0; i < usable.size(); i++) {
            (held.contains(usable.get(i)) ? heldOut : train).addAll(windows.get(i));
        }
        return new FolderDataset(folder, prep, train, heldOut, skipped, usable.size() - images, images, decoded, cached);
    }

    private static List<Path> mediaFiles(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !hidden(folder.relativize(p)))
                    .filter(p -> MEDIA.contains(extension(p)))
                    .sorted()
                    .toList();
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    public List<Item> train() {
        return train;
    }

    /**
     * Each training video as one clip, its windows joined back in order (each window after the first adds the
     * frames its stride moved on), with its caption: for windows that start anywhere, not only where the cut fell.
     * Images are left out. With a stride longer than a window the windows do not touch, so each stays a clip alone.
     */
    public List<Item> trainingVideos() {
        Map<String, List<Item>> byFile = new LinkedHashMap<>();
        train.stream().filter(i -> i.clip().frames() > 1)
                .forEach(i -> byFile.computeIfAbsent(i.file(), f -> new ArrayList<>()).add(i));
        List<Item> out = new ArrayList<>();
        for (List<Item> windows : byFile.values()) {
            if (prep.stride() > prep.frames()) {
                out.addAll(windows);
                continue;
            }
            List<Clip> parts = new ArrayList<>(List.of(windows.get(0).clip()));
            for (Item w : windows.subList(1, windows.size())) {
                parts.add(w.clip().window(prep.frames() - prep.stride(), prep.stride()));
            }
            out.add(new Item(windows.get(0).file(), Clip.joined(parts), windows.get(0).caption()));
        }
        return out;
    }

    public List<Item> heldOut() {
        return heldOut;
    }

    public List<SkippedFile> skipped() {
        return skipped;
    }

    /** Files decoded by this load (the rest came from the cache). */
    public int decoded() {
        return decoded;
    }

    public int cached() {
        return cached;
    }

    /** What trained, for logs and the model card. */
    public String summary() {
        long heldFiles = heldOut.stream().map(Item::file).distinct().count();
        return String.format(Locale.ROOT, "folder %s: %d videos and %d images (%d training clips), %d held out, %d skipped",
                folder.toAbsolutePath().normalize(), videos, images, train.size(), heldFiles, skipped.size());
    }
}
