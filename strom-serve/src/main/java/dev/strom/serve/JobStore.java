package dev.strom.serve;

import dev.strom.pipeline.Mode;
import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The videos, in the same database as the job queue (H2 file or PostgreSQL), so every worker sharing the
 * queue sees the same list. Plain JDBC in SQL both databases speak.
 */
public final class JobStore {

    private static final String COLUMNS = "id, created_ms, completed_at, status, progress, model, prompt, seed, guidance, "
            + "frames, fps, scale, native_size, mode, reference, remixed_from, requested_size, requested_seconds, notes, "
            + "error_code, error_message, bits_per_dim, worker, project";

    private final Sql sql;

    public JobStore(DataSource db) {
        this.sql = new Sql(db, "video store");
    }

    public void createTable() {
        sql.run("CREATE TABLE IF NOT EXISTS strom_video (id VARCHAR(40) PRIMARY KEY, created_ms BIGINT NOT NULL, "
                + "completed_at BIGINT, status VARCHAR(16) NOT NULL, progress INT NOT NULL, model VARCHAR(64) NOT NULL, "
                + "prompt VARCHAR(4000) NOT NULL, seed BIGINT NOT NULL, guidance REAL NOT NULL, frames INT NOT NULL, "
                + "fps DOUBLE PRECISION NOT NULL, scale INT NOT NULL, native_size INT NOT NULL, mode VARCHAR(16) NOT NULL, "
                + "reference VARCHAR(200), remixed_from VARCHAR(40), requested_size VARCHAR(64), requested_seconds VARCHAR(64), "
                + "notes VARCHAR(4000) NOT NULL, error_code VARCHAR(64), error_message VARCHAR(1000), "
                + "bits_per_dim DOUBLE PRECISION, worker VARCHAR(200), project VARCHAR(64) DEFAULT 'default' NOT NULL)");
        // a data directory or database from before projects: its videos belong to the default project
        sql.run("ALTER TABLE strom_video ADD COLUMN IF NOT EXISTS project VARCHAR(64) DEFAULT 'default' NOT NULL");
        sql.run("CREATE INDEX IF NOT EXISTS strom_video_created ON strom_video (created_ms, id)");
        sql.run("CREATE INDEX IF NOT EXISTS strom_video_project ON strom_video (project, created_ms, id)");
    }

    public void insert(VideoRecord v) {
        sql.update("INSERT INTO strom_video (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", s -> {
            s.setString(1, v.id().toString());
            s.setLong(2, v.createdMillis());
            Sql.setLong(s, 3, v.completedAt());
            s.setString(4, v.status().wire());
            s.setInt(5, v.progress());
            s.setString(6, v.model());
            s.setString(7, v.prompt());
            s.setLong(8, v.seed());
            s.setFloat(9, v.guidance());
            s.setInt(10, v.frames());
            s.setDouble(11, v.fps());
            s.setInt(12, v.scale());
            s.setInt(13, v.nativeSize());
            s.setString(14, v.mode().name());
            s.setString(15, v.reference());
            s.setString(16, v.remixedFrom());
            s.setString(17, v.requestedSize());
            s.setString(18, v.requestedSeconds());
            s.setString(19, String.join("\n", v.notes()));
            s.setString(20, v.errorCode());
            s.setString(21, v.errorMessage());
            if (v.bitsPerDim() == null) {
                s.setNull(22, Types.DOUBLE);
            } else {
                s.setDouble(22, v.bitsPerDim());
            }
            s.setString(23, v.worker());
            s.setString(24, v.project());
        });
    }

    /** A video whatever its project: for the workers, which serve every project. */
    public Optional<VideoRecord> find(VideoId id) {
        List<VideoRecord> found = query("SELECT " + COLUMNS + " FROM strom_video WHERE id = ?", s -> s.setString(1, id.toString()));
        return found.stream().findFirst();
    }

    /** A video of this project; another project's is not found, exactly as one that does not exist. */
    public Optional<VideoRecord> find(VideoId id, String project) {
        List<VideoRecord> found = query("SELECT " + COLUMNS + " FROM strom_video WHERE id = ? AND project = ?", s -> {
            s.setString(1, id.toString());
            s.setString(2, project);
        });
        return found.stream().findFirst();
    }

    /**
     * A page of the project's videos after the cursor, newest first unless ascending; one more than asked tells
     * whether there are more.
     */
    public List<VideoRecord> page(String project, VideoRecord after, int limit, boolean ascending) {
        String cmp = ascending ? ">" : "<";
        String order = ascending ? "ASC" : "DESC";
        String where = " WHERE project = ?" + (after == null ? "" : " AND (created_ms " + cmp + " ? OR (created_ms = ? AND id " + cmp + " ?))");
        return query("SELECT " + COLUMNS + " FROM strom_video" + where + " ORDER BY created_ms " + order + ", id " + order
                + " LIMIT " + (limit + 1), s -> {
            s.setString(1, project);
            if (after != null) {
                s.setLong(2, after.createdMillis());
                s.setLong(3, after.createdMillis());
                s.setString(4, after.id().toString());
            }
        });
    }

    public int countActive() {
        return sql.query("SELECT COUNT(*) FROM strom_video WHERE status IN ('queued', 'in_progress')", s -> { },
                rs -> rs.getInt(1)).get(0);
    }

    public List<VideoRecord> active() {
        return query("SELECT " + COLUMNS + " FROM strom_video WHERE status IN ('queued', 'in_progress')", s -> { });
    }

    /** Claims the video for a worker; false when it was cancelled, finished or deleted meanwhile. */
    public boolean start(VideoId id, String worker) {
        return sql.update("UPDATE strom_video SET status = 'in_progress', progress = 0, worker = ? WHERE id = ? "
                + "AND status IN ('queued', 'in_progress')", s -> {
            s.setString(1, worker);
            s.setString(2, id.toString());
        }) == 1;
    }

    /** Records progress; false when the video is no longer in progress (cancelled or deleted). */
    public boolean progress(VideoId id, int percent) {
        return sql.update("UPDATE strom_video SET progress = ? WHERE id = ? AND status = 'in_progress'", s -> {
            s.setInt(1, percent);
            s.setString(2, id.toString());
        }) == 1;
    }

    public boolean complete(VideoId id, double bitsPerDim) {
        return sql.update("UPDATE strom_video SET status = 'completed', progress = 100, completed_at = ?, bits_per_dim = ? "
                + "WHERE id = ? AND status = 'in_progress'", s -> {
            s.setLong(1, System.currentTimeMillis() / 1000);
            s.setDouble(2, bitsPerDim);
            s.setString(3, id.toString());
        }) == 1;
    }

    /** Marks a queued or running video failed with a reason; false if it had already ended. */
    public boolean fail(VideoId id, String code, String message) {
        return sql.update("UPDATE strom_video SET status = 'failed', completed_at = ?, error_code = ?, error_message = ? "
                + "WHERE id = ? AND status IN ('queued', 'in_progress')", s -> {
            s.setLong(1, System.currentTimeMillis() / 1000);
            s.setString(2, code);
            s.setString(3, message.length() > 1000 ? message.substring(0, 1000) : message);
            s.setString(4, id.toString());
        }) == 1;
    }

    public boolean delete(VideoId id) {
        return sql.update("DELETE FROM strom_video WHERE id = ?", s -> s.setString(1, id.toString())) == 1;
    }

    private static VideoRecord read(ResultSet rs) throws SQLException {
        long completed = rs.getLong(3);
        Long completedAt = rs.wasNull() ? null : completed;
        double bpd = rs.getDouble(22);
        Double bitsPerDim = rs.wasNull() ? null : bpd;
        String notes = rs.getString(19);
        return new VideoRecord(VideoId.parse(rs.getString(1)), rs.getString(24), rs.getLong(2), completedAt, VideoStatus.fromWire(rs.getString(4)),
                rs.getInt(5), rs.getString(6), rs.getString(7), rs.getLong(8), rs.getFloat(9), rs.getInt(10), rs.getDouble(11),
                rs.getInt(12), rs.getInt(13), Mode.valueOf(rs.getString(14)), rs.getString(15), rs.getString(16),
                rs.getString(17), rs.getString(18), notes.isEmpty() ? List.of() : Arrays.asList(notes.split("\n")),
                rs.getString(20), rs.getString(21), bitsPerDim, rs.getString(23));
    }

    private List<VideoRecord> query(String statement, Sql.Binder binder) {
        return sql.query(statement, binder, JobStore::read);
    }
}
