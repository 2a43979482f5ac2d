package dev.strom.serve;

import dev.strom.provenance.SigningIdentity;

import java.nio.file.Path;

/**
 * How one server process runs. {@code database} is a JDBC URL; null means the embedded H2 file in the
 * data directory. Several processes given the same PostgreSQL URL (and data directory) share one queue.
 * {@code signing} is where the C2PA key and certificates are; null turns provenance off (no manifest, no watermark).
 * {@code host} is the address to listen on: {@link #LOOPBACK} keeps the API on this machine, 0.0.0.0 exposes it.
 */
public record ServeConfig(String host, int port, Path dataDir, String database, int workers, int queueLimit, long maxUploadBytes,
                          Path modelDir, ApiKeys keys, String workerName,
                          SigningIdentity.Location signing) {

    public static final int MAX_PROMPT_CHARS = 1000;
    public static final String LOOPBACK = "127.0.0.1";
    /** Uploads are held in memory while they are checked and decoded (a Java array holds under 2 GiB). */
    public static final long MAX_UPLOAD_BYTES = 1L << 30;

    public ServeConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--host must name an address to listen on, e.g. 127.0.0.1 or 0.0.0.0");
        }
        if (maxUploadBytes < 1 || maxUploadBytes > MAX_UPLOAD_BYTES) {
            throw new IllegalArgumentException("--max-upload-mb must be between 1 and " + (MAX_UPLOAD_BYTES >> 20)
                    + " (uploads are held in memory while they are checked)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535");
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("--workers must be between 1 and 64");
        }
        if (queueLimit < 1) {
            throw new IllegalArgumentException("--queue-limit must be at least 1");
        }
        if (database != null && !database.startsWith("jdbc:h2:") && !database.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--database must be a jdbc:h2: or jdbc:postgresql: URL");
        }
    }

    public String jdbcUrl() {
        // the server closes the database itself on shutdown, after the job server has signed off; H2's own
        // shutdown hook would close it first and make that sign-off fail. WRITE_DELAY=0: a commit is on disk when it
        // returns (H2 otherwise writes commits up to 500 ms later, and a server killed in that window forgot a
        // cancel it had confirmed, so the cancelled video ran again after the restart)
        return database != null ? database
                : "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("strom") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    }
}
