package dev.strom.serve;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import dev.strom.provenance.SigningIdentity;
import java.io.UncheckedIOException;

/** One in-process server on a free port with the bundled model, shared by the test classes of a run. */
final class TestServer {

    /** The default project's key. */
    static final String KEY = "test-key";
    /** Keys of two more projects, alice's and bob's. */
    static final String ALICE = "alice-key";
    static final String BOB = "bob-key";

    private static StromServer shared;
    private static Path sharedData;

    private TestServer() {
    }

    static synchronized StromServer shared() throws IOException {
        if (shared == null) {
            Path data = Files.createTempDirectory("strom-serve-test");
            sharedData = data;
            shared = StromServer.start(config(data, 0, null, "in-process", 8));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.close();
                deleteTree(data);
            }));
        }
        return shared;
    }

    /** The shared server's data directory. */
    static Path sharedData() throws IOException {
        shared();
        return sharedData;
    }

    static String baseUrl() throws IOException {
        return "http://127.0.0.1:" + shared().port();
    }

    static Path modelDir() {
        return Path.of(System.getProperty("strom.home", "..")).resolve("models").resolve("world-32");
    }

    static ServeConfig config(Path data, int port, String database, String worker, int queueLimit) throws IOException {
        return config(data, port, database, worker, queueLimit, 4L << 20);
    }

    static ServeConfig config(Path data, int port, String database, String worker, int queueLimit, long maxUploadBytes) {
        return new ServeConfig(ServeConfig.LOOPBACK, port, data, database, 1, queueLimit, maxUploadBytes, modelDir(),
                ApiKeys.parse(KEY + ",alice:" + ALICE + ",bob:" + BOB), worker, SigningIdentity.Location.fromEnvironment());
    }

    /** Deletes a directory tree, passing over files that vanish meanwhile (a closing database tidies up too). */
    static void deleteTree(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | UncheckedIOException e) {
                // something changed under the walk: look again
            }
        }
    }
}
