package dev.strom.cli;

import dev.strom.data.Clip;
import dev.strom.media.ClipWriter;
import dev.strom.provenance.ContentCredentials;
import dev.strom.provenance.ProvenanceStamp;
import dev.strom.provenance.SigningIdentity;

import java.io.IOException;
import java.nio.file.Path;

/** generate's provenance step: on unless --no-provenance, and either way it says so on stderr. */
final class Provenance {

    private final ProvenanceStamp stamp;

    private Provenance(ProvenanceStamp stamp) {
        this.stamp = stamp;
    }

    static Provenance open(boolean off, SigningOption signing, Path modelDir) throws IOException {
        if (off) {
            System.err.println("strom: provenance off (--no-provenance): no C2PA manifest and no watermark in what this run writes");
            return new Provenance(null);
        }
        SigningIdentity.Location at = signing.location();
        ProvenanceStamp stamp = ProvenanceStamp.open(at, new ContentCredentials.Generator(StromCommand.version(), modelName(modelDir)));
        if (stamp.identity().created()) {
            System.err.println("strom: created a local C2PA signing identity (" + at.key() + ", " + at.certificates()
                    + "); its root is self-signed, so validators will call the signer untrusted. Use your own with "
                    + "--signing-key/--signing-certs or STROM_SIGNING_KEY/STROM_SIGNING_CERTS.");
        }
        return new Provenance(stamp);
    }

    ClipWriter.FrameFilter watermark(Clip clip, int scale, String clipSettings) {
        return stamp == null ? ClipWriter.FrameFilter.NONE : stamp.watermark(clip, scale, clipSettings);
    }

    void sign(Path file) throws IOException {
        if (stamp != null && !stamp.sign(file)) {
            System.err.println("strom: " + file.getFileName() + " carries the watermark only: C2PA manifests go into MP4 and PNG files");
        }
    }

    /** The model's name: its directory's, or the training run's for a checkpoint inside one. */
    static String modelName(Path modelDir) {
        Path abs = modelDir.toAbsolutePath().normalize();
        String name = abs.getFileName().toString();
        return name.equals(Trainer.CHECKPOINT) && abs.getParent() != null ? abs.getParent().getFileName().toString() : name;
    }
}
