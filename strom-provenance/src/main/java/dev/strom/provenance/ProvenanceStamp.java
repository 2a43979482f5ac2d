package dev.strom.provenance;

import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Strom's provenance step for one generated clip: the watermark goes into the frames as they are encoded,
 * then the finished file gets a signed C2PA manifest (MP4 and PNG; other formats carry the watermark only).
 */
public final class ProvenanceStamp {

    private final SigningIdentity identity;
    private final ContentCredentials.Generator generator;

    private ProvenanceStamp(SigningIdentity identity, ContentCredentials.Generator generator) {
        this.identity = identity;
        this.generator = generator;
    }

    /** Loads the signing identity (creating a local one on first use). */
    public static ProvenanceStamp open(SigningIdentity.Location at, ContentCredentials.Generator generator) throws IOException {
        return new ProvenanceStamp(SigningIdentity.loadOrCreate(at), generator);
    }

    public SigningIdentity identity() {
        return identity;
    }

    /** The payload for a clip: this model's id and the clip's id from what determines it. */
    public WatermarkPayload payload(String clipSettings) {
        return new WatermarkPayload(WatermarkPayload.modelIdOf(generator.modelId()), WatermarkPayload.clipIdOf(clipSettings));
    }

    /** The frame filter that watermarks the clip as ClipWriter upscales and encodes it. */
    public ClipWriter.FrameFilter watermark(Clip clip, int scale, String clipSettings) {
        return Watermark.informed(payload(clipSettings), clip, scale).filter();
    }

    /** Signs the written file; false when its format carries no manifest (WebM, GIF). */
    public boolean sign(Path file) throws IOException {
        return sign(file, Map.of());
    }

    /** Signs the written file with the settings it was made with; false when its format carries no manifest. */
    public boolean sign(Path file, Map<String, String> settings) throws IOException {
        if (!ContentCredentials.supports(file)) {
            return false;
        }
        ContentCredentials.sign(file, generator.madeWith(settings), identity);
        return true;
    }
}
