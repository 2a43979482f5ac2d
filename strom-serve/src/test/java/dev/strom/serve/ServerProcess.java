package dev.strom.serve;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A server in its own JVM, for tests that kill it or run several against one queue. {@link #main} is the
 * child's entry point: data directory, port, database URL (or "-") and worker name.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    final int port;
    final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        String database = args[2].equals("-") ? null : args[2];
        StromServer server = StromServer.start(TestServer.config(Path.of(args[0]), Integer.parseInt(args[1]), database, args[3], 16));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("ready " + server.port());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    static ServerProcess start(Path data, String database, String worker, Path log) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return start(data, port, database, worker, log);
    }

    /** On a given port: a restart on the one a killed server had, so clients find it where it was. */
    static ServerProcess start(Path data, int port, String database, String worker, Path log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx2g", "-Dai.djl.offline=true",
                "-Dstrom.home=" + System.getProperty("strom.home", ".."),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                ServerProcess.class.getName(), data.toString(), String.valueOf(port), database == null ? "-" : database, worker));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServerProcess server = new ServerProcess(p, port, log);
        long end = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < end) {
            if (Files.readString(log).contains("ready " + port)) {
                return server;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("server exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        server.close();
        throw new IllegalStateException("server did not start:\n" + Files.readString(log));
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    HttpResponse<String> send(HttpClient http, String method, String path, String jsonBody) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + TestServer.KEY);
        if (jsonBody != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hooks, no chance to tidy up. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
