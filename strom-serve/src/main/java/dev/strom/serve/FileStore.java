package dev.strom.serve;

import dev.strom.data.AtomicFiles;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The Files API's files: each one's bytes under {@code files/<id>} in the data directory (written whole, then renamed
 * into place) and its description in the database the queue uses, so every worker sharing the queue sees it.
 * The row is written after the bytes, so a listed file always has its content.
 */
final class FileStore {

    private static final String COLUMNS = "id, project, created_ms, bytes, filename, purpose";

    private final Sql sql;
    private final Path root;

    FileStore(DataSource db, Path dataDir) throws IOException {
        this.sql = new Sql(db, "file store");
        this.root = Files.createDirectories(dataDir.resolve("files"));
    }

    void createTable() {
        sql.run("CREATE TABLE IF NOT EXISTS strom_file (id VARCHAR(40) PRIMARY KEY, project VARCHAR(64) NOT NULL, "
                + "created_ms BIGINT NOT NULL, bytes BIGINT NOT NULL, filename VARCHAR(255) NOT NULL, purpose VARCHAR(32) NOT NULL)");
        sql.run("CREATE INDEX IF NOT EXISTS strom_file_project ON strom_file (project, created_ms, id)");
    }

    /** Stores a new file under a fresh id. */
    StoredFile save(String project, String filename, String purpose, byte[] content) throws IOException {
        return save(ObjectIds.FILE.random(), project, filename, purpose, content);
    }

    /**
     * Stores a file under the given id; when a file of that id is already there (another worker wrote the same batch
     * result a moment before) it is kept as it is.
     */
    StoredFile save(String id, String project, String filename, String purpose, byte[] content) throws IOException {
        Optional<StoredFile> existing = find(id, project);
        if (existing.isPresent()) {
            return existing.get();
        }
        AtomicFiles.write(path(id), out -> out.write(content));
        StoredFile file = new StoredFile(id, project, System.currentTimeMillis(), content.length, filename, purpose);
        try {
            sql.update("INSERT INTO strom_file (" + COLUMNS + ") VALUES (?,?,?,?,?,?)", s -> {
                s.setString(1, file.id());
                s.setString(2, file.project());
                s.setLong(3, file.createdMillis());
                s.setLong(4, file.bytes());
                s.setString(5, file.filename());
                s.setString(6, file.purpose());
            });
        } catch (IllegalStateException e) {
            // a concurrent writer of the same id won the insert: its row describes the same bytes
            return find(id, project).orElseThrow(() -> e);
        }
        return file;
    }

    /** A file of this project; another project's is not found, exactly as one that does not exist. */
    Optional<StoredFile> find(String id, String project) {
        return sql.query("SELECT " + COLUMNS + " FROM strom_file WHERE id = ? AND project = ?", s -> {
            s.setString(1, id);
            s.setString(2, project);
        }, FileStore::read).stream().findFirst();
    }

    /** A page of the project's files after the cursor (optionally of one purpose); one more than asked tells whether there are more. */
    List<StoredFile> page(String project, String purpose, StoredFile after, int limit, boolean ascending) {
        String cmp = ascending ? ">" : "<";
        String order = ascending ? "ASC" : "DESC";
        String where = " WHERE project = ?" + (purpose == null ? "" : " AND purpose = ?")
                + (after == null ? "" : " AND (created_ms " + cmp + " ? OR (created_ms = ? AND id " + cmp + " ?))");
        return sql.query("SELECT " + COLUMNS + " FROM strom_file" + where + " ORDER BY created_ms " + order + ", id " + order
                + " LIMIT " + (limit + 1), s -> {
            int i = 1;
            s.setString(i++, project);
            if (purpose != null) {
                s.setString(i++, purpose);
            }
            if (after != null) {
                s.setLong(i++, after.createdMillis());
                s.setLong(i++, after.createdMillis());
                s.setString(i, after.id());
            }
        }, FileStore::read);
    }

    /** The stored bytes of a file ({@link ObjectIds#FILE} ids only reach here, so the name is safe). */
    Path path(String id) {
        return root.resolve(ObjectIds.FILE.parse(id));
    }

    byte[] content(StoredFile file) throws IOException {
        return Files.readAllBytes(path(file.id()));
    }

    boolean delete(String id, String project) throws IOException {
        boolean deleted = sql.update("DELETE FROM strom_file WHERE id = ? AND project = ?", s -> {
            s.setString(1, id);
            s.setString(2, project);
        }) == 1;
        if (deleted) {
            Files.deleteIfExists(path(id));
        }
        return deleted;
    }

    private static StoredFile read(ResultSet rs) throws SQLException {
        return new StoredFile(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getString(6));
    }
}
