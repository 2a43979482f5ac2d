package dev.strom.serve;

import dev.strom.provenance.SigningIdentity;

import java.nio.file.Path;

/**
 * How one server process runs. {@code database} is a JDBC URL; null means the embedded H2 file in the
 * data directory. Several processes given the same PostgreSQL URL (and data directory) share one queue.
 * {@code signing} is where the C2PA key and certificates are; null turns provenance off (no manifest, no watermark).
 */
public record ServeConfig(int port, Path dataDir, String database, int workers, int queueLimit, long maxUploadBytes,
                          Path modelDir, ApiKeys keys, String workerName,
                          SigningIdentity.Location signing) {

    public static final int MAX_PROMPT_CHARS = 1000;

    public ServeConfig {
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
        // shutdown hook would close it first and make that sign-off fail
        return database != null ? database : "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("strom") + ";DB_CLOSE_ON_EXIT=FALSE";
    }
}
