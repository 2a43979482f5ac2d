package dev.strom.footage;

/** A file of the folder that does not train, and why (shown as one warning line). */
public record SkippedFile(String file, String reason) {

    @Override
    public String toString() {
        return "skipped " + file + ": " + reason;
    }
}
