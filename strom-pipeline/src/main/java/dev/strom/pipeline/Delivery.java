package dev.strom.pipeline;

import dev.strom.data.AtomicFiles;
import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;
import dev.strom.media.ContactSheet;
import dev.strom.media.VideoFormat;
import dev.strom.provenance.ContentCredentials;
import dev.strom.provenance.ProvenanceStamp;
import dev.strom.provenance.SigningIdentity;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * How a made clip leaves Strom, for the CLI and the server alike: encoded (MP4, WebM or GIF by the file's name,
 * upscaled for viewing, titled with its prompt, tagged with {@link MadeWith what made it}), watermarked as it is encoded, then signed with a C2PA manifest
 * (MP4 and PNG; other formats carry the watermark only). The watermark's clip id comes from the request's
 * {@linkplain VideoRequest#settings() settings}: the same settings, the same clip, the same id.
 */
public final class Delivery {

    private final ProvenanceStamp stamp;
    private final String modelName;

    private Delivery(ProvenanceStamp stamp, String modelName) {
        this.stamp = stamp;
        this.modelName = modelName;
    }

    /** Delivery without provenance: no watermark, no manifest (the settings tag still says what made the clip). */
    public static Delivery withoutProvenance(String modelName) {
        return new Delivery(null, modelName);
    }

    /** Delivery with provenance, signed by the identity at {@code signing} (created on first use). */
    public static Delivery signedBy(SigningIdentity.Location signing, String modelName) throws IOException {
        return new Delivery(ProvenanceStamp.open(signing, new ContentCredentials.Generator(VideoPipeline.version(), modelName)),
                modelName);
    }

    /** Whether files carry a watermark and a manifest. */
    public boolean provenance() {
        return stamp != null;
    }

    /** Whether this delivery created its signing identity just now (its root is self-signed). */
    public boolean createdIdentity() {
        return stamp != null && stamp.identity().created();
    }

    /**
     * Writes the clip a request made to {@code file}, whole or not at all, then signs it. Returns false when the
     * format takes no manifest (the file then carries the watermark only).
     */
    public boolean write(Clip clip, VideoRequest request, Path file, int scale) throws IOException {
        MadeWith made = MadeWith.of(request, modelName);
        return encodeThenSign(file, VideoFormat.of(file).extension(), made.fields(), tmp -> ClipWriter.write(clip, tmp, scale,
                Map.of("title", request.prompt(), "encoder", "Strom", MadeWith.TAG, made.toJson()),
                stamp == null ? ClipWriter.FrameFilter.NONE : stamp.watermark(clip, scale, request.settings())));
    }

    /** Writes every frame side by side to a PNG contact sheet, signed. */
    public void writeSheet(Clip clip, Path png, int perRow) throws IOException {
        encodeThenSign(png, "png", Map.of(), tmp -> ContactSheet.write(clip, tmp, perRow));
    }

    /**
     * Encodes and signs under a temporary name beside the file, then moves the finished file into place: a failure
     * at either step (a full disk, an encoder that stops) leaves neither a file nor a temporary behind, where
     * encoding into place and then signing left an unsigned or cut file at the target.
     */
    private boolean encodeThenSign(Path file, String extension, Map<String, String> settings, AtomicFiles.PathWriter encode)
            throws IOException {
        boolean[] signed = {true};
        AtomicFiles.write(file, ".part." + extension, tmp -> {
            encode.writeTo(tmp);
            signed[0] = stamp == null || stamp.sign(tmp, settings);
        });
        return signed[0];
    }
}
