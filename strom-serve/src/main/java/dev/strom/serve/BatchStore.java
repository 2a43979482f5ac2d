package dev.strom.serve;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Batches and their lines, in the database the queue uses. A line is "pending" until a worker claims it and makes
 * its video ("submitted", with the video's id), "failed" when it was refused (malformed, or the video request was
 * refused), or "cancelled" when its batch was cancelled before it ran. Claims are conditional updates, so workers
 * sharing the database never make one line's video twice.
 */
final class BatchStore {

    private static final String COLUMNS = "id, project, created_ms, endpoint, input_file_id, status, total, output_file_id, "
            + "error_file_id, in_progress_at, expires_at, finalizing_at, completed_at, cancelling_at, cancelled_at, "
            + "completed_count, failed_count, metadata";
    private static final String LINE_COLUMNS = "line, custom_id, state, body, video_id, error_code, error_message, error_status, error_body";

    static final String PENDING = "pending";
    static final String SUBMITTED = "submitted";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";

    /** One line as stored; {@code errorStatus} and {@code errorBody} are the HTTP status and body of a refused request. */
    record Line(int line, String customId, String state, String body, String videoId, String errorCode, String errorMessage,
                Integer errorStatus, String errorBody) {
    }

    /** Where a batch's lines are: waiting, with a video queued or running, ended well or badly. */
    record Counts(int pending, int active, int completed, int failed) {
    }

    private final Sql sql;

    BatchStore(DataSource db) {
        this.sql = new Sql(db, "batch store");
    }

    void createTables() {
        sql.run("CREATE TABLE IF NOT EXISTS strom_batch (id VARCHAR(40) PRIMARY KEY, project VARCHAR(64) NOT NULL, "
                + "created_ms BIGINT NOT NULL, endpoint VARCHAR(64) NOT NULL, input_file_id VARCHAR(40) NOT NULL, "
                + "status VARCHAR(16) NOT NULL, total INT NOT NULL, output_file_id VARCHAR(40), error_file_id VARCHAR(40), "
                + "in_progress_at BIGINT, expires_at BIGINT, finalizing_at BIGINT, completed_at BIGINT, cancelling_at BIGINT, "
                + "cancelled_at BIGINT, completed_count INT, failed_count INT, metadata VARCHAR(40000))");
        sql.run("CREATE INDEX IF NOT EXISTS strom_batch_project ON strom_batch (project, created_ms, id)");
        sql.run("CREATE INDEX IF NOT EXISTS strom_batch_status ON strom_batch (status, created_ms)");
        sql.run("CREATE TABLE IF NOT EXISTS strom_batch_line (batch_id VARCHAR(40) NOT NULL, line INT NOT NULL, "
                + "custom_id VARCHAR(" + BatchInput.MAX_CUSTOM_ID_CHARS + "), state VARCHAR(16) NOT NULL, "
                + "body VARCHAR(" + BatchInput.MAX_LINE_CHARS + "), video_id VARCHAR(40), error_code VARCHAR(64), "
                + "error_message VARCHAR(2000), error_status INT, error_body VARCHAR(4000), PRIMARY KEY (batch_id, line))");
        sql.run("CREATE INDEX IF NOT EXISTS strom_batch_line_state ON strom_batch_line (batch_id, state, line)");
    }

    /** Stores a batch with all its lines at once: a batch is never seen half-written. */
    void insert(BatchRecord b, List<BatchInput.Request> requests) {
        sql.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO strom_batch (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                s.setString(1, b.id());
                s.setString(2, b.project());
                s.setLong(3, b.createdMillis());
                s.setString(4, b.endpoint());
                s.setString(5, b.inputFileId());
                s.setString(6, b.status());
                s.setInt(7, b.total());
                s.setString(8, b.outputFileId());
                s.setString(9, b.errorFileId());
                Sql.setLong(s, 10, b.inProgressAt());
                Sql.setLong(s, 11, b.expiresAt());
                Sql.setLong(s, 12, b.finalizingAt());
                Sql.setLong(s, 13, b.completedAt());
                Sql.setLong(s, 14, b.cancellingAt());
                Sql.setLong(s, 15, b.cancelledAt());
                Sql.setInt(s, 16, b.completedCount());
                Sql.setInt(s, 17, b.failedCount());
                s.setString(18, b.metadata());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO strom_batch_line (batch_id, line, custom_id, state, body, "
                    + "error_code, error_message) VALUES (?,?,?,?,?,?,?)")) {
                for (BatchInput.Request r : requests) {
                    s.setString(1, b.id());
                    s.setInt(2, r.line());
                    s.setString(3, r.customId());
                    s.setString(4, r.valid() ? PENDING : FAILED);
                    s.setString(5, r.body());
                    s.setString(6, r.errorCode());
                    s.setString(7, r.errorMessage());
                    s.addBatch();
                }
                s.executeBatch();
            }
        });
    }

    /** A batch of this project; another project's is not found, exactly as one that does not exist. */
    Optional<BatchRecord> find(String id, String project) {
        return sql.query("SELECT " + COLUMNS + " FROM strom_batch WHERE id = ? AND project = ?", s -> {
            s.setString(1, id);
            s.setString(2, project);
        }, BatchStore::read).stream().findFirst();
    }

    /** A page of the project's batches after the cursor, newest first; one more than asked tells whether there are more. */
    List<BatchRecord> page(String project, BatchRecord after, int limit) {
        String where = " WHERE project = ?" + (after == null ? "" : " AND (created_ms < ? OR (created_ms = ? AND id < ?))");
        return sql.query("SELECT " + COLUMNS + " FROM strom_batch" + where + " ORDER BY created_ms DESC, id DESC LIMIT " + (limit + 1), s -> {
            s.setString(1, project);
            if (after != null) {
                s.setLong(2, after.createdMillis());
                s.setLong(3, after.createdMillis());
                s.setString(4, after.id());
            }
        }, BatchStore::read);
    }

    /** Every project's batches still running, oldest first (the order their lines go into the queue). */
    List<BatchRecord> running() {
        return sql.query("SELECT " + COLUMNS + " FROM strom_batch WHERE status IN ('in_progress', 'cancelling') "
                + "ORDER BY created_ms, id", s -> { }, BatchStore::read);
    }

    /** The first lines still waiting for queue space. */
    List<Line> pending(String batchId, int max) {
        return sql.query("SELECT " + LINE_COLUMNS + " FROM strom_batch_line WHERE batch_id = ? AND state = 'pending' "
                + "ORDER BY line LIMIT " + max, s -> s.setString(1, batchId), BatchStore::readLine);
    }

    List<Line> lines(String batchId) {
        return sql.query("SELECT " + LINE_COLUMNS + " FROM strom_batch_line WHERE batch_id = ? ORDER BY line",
                s -> s.setString(1, batchId), BatchStore::readLine);
    }

    /**
     * Takes a waiting line for the video {@code videoId}, while its batch is still in progress; false when another
     * worker took it first or the batch was cancelled.
     */
    boolean claim(String batchId, int line, String videoId) {
        return sql.update("UPDATE strom_batch_line SET state = 'submitted', video_id = ? WHERE batch_id = ? AND line = ? "
                + "AND state = 'pending' AND EXISTS (SELECT 1 FROM strom_batch b WHERE b.id = ? AND b.status = 'in_progress')", s -> {
            s.setString(1, videoId);
            s.setString(2, batchId);
            s.setInt(3, line);
            s.setString(4, batchId);
        }) == 1;
    }

    /** Gives a claimed line back to wait again (the queue was full after all). */
    void release(String batchId, int line) {
        sql.update("UPDATE strom_batch_line SET state = 'pending', video_id = NULL WHERE batch_id = ? AND line = ? AND state = 'submitted'", s -> {
            s.setString(1, batchId);
            s.setInt(2, line);
        });
    }

    /** Records that a claimed line's video request was refused, with the refusal as the API would have answered it. */
    void refuse(String batchId, int line, int status, String code, String message, String body) {
        sql.update("UPDATE strom_batch_line SET state = 'failed', video_id = NULL, error_status = ?, error_code = ?, "
                + "error_message = ?, error_body = ? WHERE batch_id = ? AND line = ?", s -> {
            s.setInt(1, status);
            s.setString(2, code);
            s.setString(3, cut(message, 2000));
            s.setString(4, cut(body, 4000));
            s.setString(5, batchId);
            s.setInt(6, line);
        });
    }

    /** How the batch's lines stand now, from the lines and their videos (a video deleted meanwhile counts as failed). */
    Counts counts(String batchId) {
        int[] c = new int[4];
        sql.query("SELECT l.state, v.status, COUNT(*) FROM strom_batch_line l LEFT JOIN strom_video v ON v.id = l.video_id "
                + "WHERE l.batch_id = ? GROUP BY l.state, v.status", s -> s.setString(1, batchId), rs -> {
            String state = rs.getString(1);
            String video = rs.getString(2);
            int n = rs.getInt(3);
            if (state.equals(PENDING)) {
                c[0] += n;
            } else if (state.equals(FAILED)) {
                c[3] += n;
            } else if (state.equals(SUBMITTED)) {
                if ("queued".equals(video) || "in_progress".equals(video)) {
                    c[1] += n;
                } else if ("completed".equals(video)) {
                    c[2] += n;
                } else {
                    c[3] += n;
                }
            }
            return null;
        });
        return new Counts(c[0], c[1], c[2], c[3]);
    }

    /** The ids of the batch's videos still waiting in the queue. */
    List<String> queuedVideos(String batchId) {
        return sql.query("SELECT l.video_id FROM strom_batch_line l JOIN strom_video v ON v.id = l.video_id "
                + "WHERE l.batch_id = ? AND v.status = 'queued'", s -> s.setString(1, batchId), rs -> rs.getString(1));
    }

    /** Starts cancelling: the waiting lines will not run. False when the batch was no longer in progress. */
    boolean cancel(String batchId) {
        boolean cancelling = sql.update("UPDATE strom_batch SET status = 'cancelling', cancelling_at = ? WHERE id = ? AND status = 'in_progress'", s -> {
            s.setLong(1, System.currentTimeMillis() / 1000);
            s.setString(2, batchId);
        }) == 1;
        sql.update("UPDATE strom_batch_line SET state = 'cancelled' WHERE batch_id = ? AND state = 'pending'", s -> s.setString(1, batchId));
        return cancelling;
    }

    /** Ends a running batch with its result files and counts; false when another worker ended it first. */
    boolean finish(BatchRecord b, String outputFileId, String errorFileId, int completed, int failed) {
        boolean cancelled = BatchRecord.CANCELLING.equals(b.status());
        long now = System.currentTimeMillis() / 1000;
        return sql.update("UPDATE strom_batch SET status = ?, output_file_id = ?, error_file_id = ?, finalizing_at = ?, "
                + (cancelled ? "cancelled_at" : "completed_at") + " = ?, completed_count = ?, failed_count = ? "
                + "WHERE id = ? AND status IN ('in_progress', 'cancelling')", s -> {
            s.setString(1, cancelled ? BatchRecord.CANCELLED : BatchRecord.COMPLETED);
            s.setString(2, outputFileId);
            s.setString(3, errorFileId);
            s.setLong(4, now);
            s.setLong(5, now);
            s.setInt(6, completed);
            s.setInt(7, failed);
            s.setString(8, b.id());
        }) == 1;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static BatchRecord read(ResultSet rs) throws SQLException {
        return new BatchRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9), Sql.getLong(rs, 10), Sql.getLong(rs, 11),
                Sql.getLong(rs, 12), Sql.getLong(rs, 13), Sql.getLong(rs, 14), Sql.getLong(rs, 15), Sql.getInt(rs, 16),
                Sql.getInt(rs, 17), rs.getString(18));
    }

    private static Line readLine(ResultSet rs) throws SQLException {
        return new Line(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), Sql.getInt(rs, 8), rs.getString(9));
    }
}
