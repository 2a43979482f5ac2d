package dev.strom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strom.data.AtomicFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.AtomicMoveNotSupportedException;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The folder a batch writes into, held by one batch at a time: its files, {@code manifest.csv} and
 * {@code batch.json} (the seed rows without their own seed are derived from, so a rerun without --seed makes the
 * same clips). A run that was killed leaves only the temporaries of the file it was writing; the next run (and
 * Ctrl-C, on its way out) removes them.
 * <p>
 * A row's file is written whole under a hidden staging name, the manifest then records the row done, and only then
 * is the file renamed into view ({@link #publish}). So a file in view is always one the manifest lists as done, and
 * a run killed between the manifest and the rename leaves a whole staged file that the next run puts in place
 * ({@link #recover}) instead of making the row again.
 */
final class BatchFolder implements AutoCloseable {

    static final String MANIFEST = "manifest.csv";
    static final String STATE = "batch.json";
    private static final String LOCK = ".batch.lock";
    private static final String STAGED = ".staged.";
    /** What {@link AtomicFiles} names a temporary: "." + target name + "." + random digits + ".tmp" or ".part.EXT". */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.\\d+(\\.tmp|\\.part\\.[a-z0-9]+)");

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private BatchFolder(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the folder if need be and takes it; refused while another batch writes there. */
    static BatchFolder take(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException("--out must be a folder: " + dir + " is a file");
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create " + dir + ": " + StromCommand.oneLine(e));
        }
        FileChannel channel = FileChannel.open(abs.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalArgumentException("another strom batch is writing to " + dir);
        }
        BatchFolder folder = new BatchFolder(abs, channel, lock);
        folder.removeTemporaries();
        return folder;
    }

    Path dir() {
        return dir;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** Where a row's file is written before the manifest records it done. */
    Path staging(String name) {
        return dir.resolve(STAGED + name);
    }

    /** Moves a row's staged file into view, replacing what was there. */
    void publish(String name) throws IOException {
        Path target = file(name);
        try {
            Files.move(staging(name), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging(name), target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Puts in view the staged files of rows the manifest records done (the run stopped before their rename) and
     * deletes the other staged files (rows a run stopped before recording them).
     */
    void recover(Collection<String> done) throws IOException {
        for (String name : done) {
            if (!name.isEmpty() && Files.exists(staging(name))) {
                publish(name);
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, STAGED + "*")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** Deletes the half-written temporaries a stopped run left; only ours, as the folder is held. */
    void removeTemporaries() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (TEMPORARY.matcher(f.getFileName().toString()).matches()) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            System.err.println("strom: could not remove temporaries in " + dir + ": " + StromCommand.oneLine(e));
        }
    }

    /** The seed a previous batch in this folder derived its rows' seeds from. */
    Optional<Long> savedSeed() throws IOException {
        Path state = file(STATE);
        if (!Files.exists(state)) {
            return Optional.empty();
        }
        JsonNode seed = new ObjectMapper().readTree(state.toFile()).get("seed");
        return seed != null && seed.canConvertToLong() ? Optional.of(seed.asLong()) : Optional.empty();
    }

    void saveSeed(long seed) throws IOException {
        AtomicFiles.writeString(file(STATE), "{\"seed\": " + seed + "}\n");
    }

    @Override
    public void close() throws IOException {
        lock.release();
        lockChannel.close();
    }
}
