package dev.strom.cli;

import dev.strom.serve.ApiKeys;
import dev.strom.serve.ServeConfig;
import dev.strom.serve.StromServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves the OpenAI-compatible Videos API (/v1/videos) and the web studio (/) until stopped.",
                "API keys come from the environment variable STROM_API_KEYS (comma-separated)."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = ServeConfig.LOOPBACK,
            description = "address to listen on; the default keeps the API on this machine, 0.0.0.0 exposes it on every "
                    + "interface (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "HTTP port, 0 for any free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data", paramLabel = "DIR",
            description = "videos and the embedded database (default: $XDG_DATA_HOME/strom, else ~/.local/share/strom)")
    Path data;

    @Option(names = "--database", paramLabel = "JDBC-URL",
            description = "job queue and video list, e.g. jdbc:postgresql://host/db?user=u&password=p to share one queue "
                    + "between machines (default: an H2 file in --data)")
    String database;

    @Option(names = "--workers", defaultValue = "1", description = "jobs this process runs at once; the model makes one clip at a time, encoding and writing overlap (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--queue-limit", defaultValue = "32",
            description = "videos queued or in progress before new ones get 429 (default ${DEFAULT-VALUE})")
    int queueLimit;

    @Option(names = "--max-upload-mb", defaultValue = "20",
            description = "largest accepted upload, 1 to 1024 (default ${DEFAULT-VALUE})")
    long maxUploadMb;

    @Mixin
    ModelOption model;

    @Option(names = "--no-provenance", description = "deliver videos without C2PA manifest and watermark (logged; by default every video carries both)")
    boolean noProvenance;

    @Mixin
    SigningOption signing;

    /** Where a server keeps its videos unless told: the user's data directory, never the working (source) tree. */
    static Path defaultData() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("strom");
    }

    @Override
    public Integer call() throws Exception {
        if (maxUploadMb < 1 || maxUploadMb > ServeConfig.MAX_UPLOAD_BYTES >> 20) {
            // checked here too so that no product of it can overflow before ServeConfig sees it
            throw new IllegalArgumentException("--max-upload-mb must be between 1 and " + (ServeConfig.MAX_UPLOAD_BYTES >> 20)
                    + " (uploads are held in memory while they are checked)");
        }
        ApiKeys keys = ApiKeys.parse(System.getenv(ApiKeys.VARIABLE));
        String worker = InetAddress.getLocalHost().getHostName() + ":" + ManagementFactory.getRuntimeMXBean().getPid();
        ServeConfig config = new ServeConfig(host, port, data != null ? data : defaultData(), database, workers, queueLimit, maxUploadMb * (1L << 20),
                model.resolve(), keys, worker,
                noProvenance ? null : signing.location());
        if (noProvenance) {
            System.err.println("strom: provenance off (--no-provenance): videos are delivered without C2PA manifest and watermark");
        }
        StromServer server = StromServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println("strom serve: listening on http://" + server.address() + "/ (API at /v1, worker " + worker
                + ", projects " + String.join(", ", keys.projects()) + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
