package dev.strom.serve;

import dev.strom.data.AtomicFiles;
import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;
import dev.strom.media.ContactSheet;
import dev.strom.media.StillImage;
import dev.strom.pipeline.Delivery;
import dev.strom.pipeline.VideoRequest;

import javax.imageio.ImageIO;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import java.awt.image.BufferedImage;

/**
 * A video's files under the data directory: {@code videos/<id>/video.mp4}, {@code thumbnail.webp} and
 * {@code spritesheet.jpg}. Paths are built only from parsed {@link VideoId}s and the fixed variant names.
 */
public final class VideoFiles {

    /** The download variants of the Videos API and the files behind them. */
    public enum Variant {
        VIDEO("video.mp4", "video/mp4"), THUMBNAIL("thumbnail.webp", "image/webp"), SPRITESHEET("spritesheet.jpg", "image/jpeg");

        final String file;
        final String contentType;

        Variant(String file, String contentType) {
            this.file = file;
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }

        public static Variant parse(String text) {
            if (text == null) {
                return VIDEO;
            }
            for (Variant v : values()) {
                if (v.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return v;
                }
            }
            throw ApiError.invalid("variant", "variant must be video, thumbnail or spritesheet");
        }
    }

    /** The decoded source of an image-to-video, extension, edit or remix job. */
    private static final String SOURCE = "source.clip";

    private final Path root;
    private final Delivery delivery;

    /** @param delivery how every MP4 is written: watermarked and signed, or without provenance */
    public VideoFiles(Path dataDir, Delivery delivery) throws IOException {
        this.root = Files.createDirectories(dataDir.resolve("videos"));
        this.delivery = delivery;
    }

    public Path path(VideoId id, Variant variant) {
        return root.resolve(id.toString()).resolve(variant.file);
    }

    /** Writes all variants of the clip a request made; the MP4 last, so its presence means the set is whole. */
    public void write(VideoId id, Clip clip, int scale, VideoRequest request) throws IOException {
        Path dir = Files.createDirectories(root.resolve(id.toString()));
        StillImage.writeWebp(ClipWriter.frame(clip, clip.frames() / 2, scale), dir.resolve(Variant.THUMBNAIL.file), 80);
        AtomicFiles.write(dir.resolve(Variant.SPRITESHEET.file),
                out -> ImageIO.write(ContactSheet.of(clip, Math.max(1, scale / 2), 8), "jpg", out));
        delivery.write(clip, request, dir.resolve(Variant.VIDEO.file), scale);
    }


    /** Where frame {@code index} of a video in the making is kept as a PNG (drafts, then final frames). */
    public Path liveFrame(VideoId id, int index) {
        return root.resolve(id.toString()).resolve("live").resolve(String.format(Locale.ROOT, "%04d.png", index));
    }

    /** Deletes the draft frames of a video once it is no longer in the making. */
    public void deleteLive(VideoId id) throws IOException {
        deleteTree(root.resolve(id.toString()).resolve("live"));
    }

    /** Stores a frame of a video in the making, so any server process can stream it. */
    public void writeLiveFrame(VideoId id, int index, BufferedImage frame) throws IOException {
        Path file = liveFrame(id, index);
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, out -> ImageIO.write(frame, "png", out));
    }

    /**
     * Keeps the source a video is made from as the model reads it (decoded once, when the request came in), with
     * the caption a remix reads it under (null for other modes).
     */
    public void saveSource(VideoId id, Clip source, String caption) throws IOException {
        Path dir = Files.createDirectories(root.resolve(id.toString()));
        AtomicFiles.write(dir.resolve(SOURCE), out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeBoolean(caption != null);
            data.writeUTF(caption == null ? "" : caption);
            data.writeInt(source.frames());
            data.writeInt(source.height());
            data.writeInt(source.width());
            data.writeDouble(source.fps());
            data.write(source.rgb());
            data.flush();
        });
    }

    /** A source kept by {@link #saveSource}: the clip and a remix's caption. */
    public record Source(Clip clip, String caption) {
    }

    /** The source kept for a video, or null when there is none. */
    public Source source(VideoId id) throws IOException {
        Path file = root.resolve(id.toString()).resolve(SOURCE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            boolean hasCaption = in.readBoolean();
            String caption = in.readUTF();
            int frames = in.readInt(), height = in.readInt(), width = in.readInt();
            double fps = in.readDouble();
            byte[] rgb = in.readNBytes(frames * height * width * 3);
            return new Source(new Clip(frames, height, width, fps, rgb), hasCaption ? caption : null);
        }
    }

    /** Keeps an uploaded still or clip with the job that uses it, as {@code reference.<kind>}; returns that name. */
    public String saveReference(VideoId id, byte[] bytes, UploadCheck.Kind kind) throws IOException {
        Path dir = Files.createDirectories(root.resolve(id.toString()));
        String name = "reference." + kind.name().toLowerCase(Locale.ROOT);
        AtomicFiles.write(dir.resolve(name), out -> out.write(bytes));
        return name;
    }

    /**
     * The file a video's stored reference names: an upload kept in its own folder, or another video's MP4
     * (stored as that video's id); null for text-to-video.
     */
    public Path reference(VideoRecord video) {
        return video.reference() == null ? null : reference(video.id(), video.reference());
    }

    /** The file {@code reference} names for video {@code id}. */
    public Path reference(VideoId id, String reference) {
        if (reference.startsWith(VideoId.PREFIX)) {
            return path(VideoId.parse(reference), Variant.VIDEO);
        }
        if (!reference.matches("reference\\.[a-z0-9]+")) {
            throw new IllegalStateException("stored reference is not a reference file name: " + reference);
        }
        return root.resolve(id.toString()).resolve(reference);
    }

    public void delete(VideoId id) throws IOException {
        deleteTree(root.resolve(id.toString()));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
