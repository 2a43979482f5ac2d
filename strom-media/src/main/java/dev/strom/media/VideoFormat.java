package dev.strom.media;

import java.nio.file.Path;
import java.util.Locale;

/** The files Strom writes, chosen by extension. */
public enum VideoFormat {
    MP4("mp4"), WEBM("webm"), GIF("gif");

    private final String extension;

    VideoFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** The format of a path's extension, or an error naming the supported ones. */
    public static VideoFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        for (VideoFormat f : values()) {
            if (f.extension.equals(ext)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unsupported output extension '" + (ext.isEmpty() ? file.getFileName() : "." + ext)
                + "': use .mp4, .webm or .gif");
    }
}
