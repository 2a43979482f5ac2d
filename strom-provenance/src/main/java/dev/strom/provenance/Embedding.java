package dev.strom.provenance;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** How a C2PA manifest store sits in one file format and how its hard binding covers the file's bytes. */
interface Embedding {

    /** The file's bytes with a manifest for them, signed by the identity. */
    byte[] embed(byte[] file, ContentCredentials.Generator generator, SigningIdentity identity) throws IOException;

    /** The manifest store's bytes, if the file carries one. */
    Optional<byte[]> manifestStore(byte[] file) throws IOException;

    /** Whether the hard binding (as read from the manifest) still matches the file's bytes. */
    boolean bindingMatches(byte[] file, String label, JsonNode binding) throws IOException;

    /** The embedding for a file name, or empty when the format carries no manifests here. */
    static Optional<Embedding> forFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".mp4")) {
            return Optional.of(new Mp4Embedding());
        }
        if (name.endsWith(".png")) {
            return Optional.of(new PngEmbedding());
        }
        return Optional.empty();
    }
}
