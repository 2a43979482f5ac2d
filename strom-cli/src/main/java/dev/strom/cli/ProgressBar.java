package dev.strom.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr; without a terminal (a log file) it prints a line every tenth of the way,
 * and at least once a minute, so a long run's log shows it is alive.
 */
final class ProgressBar {

    private final PrintStream out = System.err;
    private final String label;
    private final boolean terminal = System.console() != null;
    private final long started = System.nanoTime();
    private int lastDecile = -1;
    private long lastPrinted = started;

    private static final long QUIET_NANOS = 60_000_000_000L;

    ProgressBar(String label) {
        this.label = label;
    }

    void update(double fraction, String detail) {
        fraction = Math.max(0, Math.min(1, fraction));
        double elapsed = (System.nanoTime() - started) / 1e9;
        String eta = fraction > 0.01 ? String.format(" eta %s", duration(elapsed / fraction - elapsed)) : "";
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        String line = String.format("%s [%s%s] %3.0f%% %s%s", label, "#".repeat(filled), ".".repeat(width - filled),
                fraction * 100, detail, eta);
        if (terminal) {
            out.print("\r" + line + "   ");
            out.flush();
        } else {
            int decile = (int) (fraction * 10);
            long now = System.nanoTime();
            if (decile != lastDecile || now - lastPrinted >= QUIET_NANOS) {
                lastDecile = decile;
                lastPrinted = now;
                out.println(line);
            }
        }
    }

    void finish(String message) {
        if (terminal) {
            out.println();
        }
        if (message != null) {
            out.println(message);
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
