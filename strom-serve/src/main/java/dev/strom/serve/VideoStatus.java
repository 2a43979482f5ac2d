package dev.strom.serve;

import java.util.Locale;

/** The Videos API's status values. */
public enum VideoStatus {
    QUEUED, IN_PROGRESS, COMPLETED, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static VideoStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    public boolean active() {
        return this == QUEUED || this == IN_PROGRESS;
    }
}
