package dev.strom.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import dev.strom.pipeline.Delivery;
import dev.strom.pipeline.VideoPipeline;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

/**
 * One `strom serve` process: the HTTP API and studio (Javalin), the durable queue and its workers
 * (JobRunr on the shared database), and the model, loaded once.
 */
public final class StromServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StromServer.class);
    /** How often idle workers look for queued jobs; JobRunr's floor is a few seconds. */
    private static final Duration POLL = Duration.ofSeconds(5);
    private static final long IDLE_TIMEOUT_MILLIS = 30_000;
    /** Request threads left for everything that neither reads a body, streams events nor waits for the model. */
    private static final int FREE_THREADS = 64;

    private final VideoPipeline pipeline;
    private final HikariDataSource db;
    private final StorageProvider jobs;
    private final BackgroundJobServer workers;
    private final Javalin app;
    private final BodyReader bodies;
    private final BatchRunner batches;

    private StromServer(VideoPipeline pipeline, HikariDataSource db, StorageProvider jobs, BackgroundJobServer workers, Javalin app,
                        BodyReader bodies, BatchRunner batches) {
        this.bodies = bodies;
        this.batches = batches;
        this.pipeline = pipeline;
        this.db = db;
        this.jobs = jobs;
        this.workers = workers;
        this.app = app;
    }

    /** Strom's version, from the jar's manifest ("dev" when run from classes). */
    public static StromServer start(ServeConfig config) throws IOException {
        Path data = Files.createDirectories(config.dataDir());
        VideoPipeline pipeline = VideoPipeline.open(config.modelDir());
        HikariDataSource db = null;
        StorageProvider jobs = null;
        BackgroundJobServer workers = null;
        BodyReader bodies = null;
        BatchRunner batchRunner = null;
        try {
            db = Database.open(config.jdbcUrl());
            JobStore store = new JobStore(db);
            store.createTable();
            Delivery delivery = config.signing() == null ? Delivery.withoutProvenance(pipeline.name())
                    : Delivery.signedBy(config.signing(), pipeline.name());
            if (delivery.createdIdentity()) {
                LOG.warn("created a local C2PA signing identity in {}; its root is self-signed, so validators will call "
                        + "the signer untrusted (configure your own with --signing-key/--signing-certs)", config.signing().key().getParent());
            }
            VideoFiles files = new VideoFiles(data, delivery);
            JacksonJsonMapper jobJson = new JacksonJsonMapper();
            jobs = SqlStorageProviderFactory.using(db);
            jobs.setJobMapper(new JobMapper(jobJson));
            VideoJob job = new VideoJob(store, files, pipeline, config.workerName());
            JobActivator activator = new JobActivator() {
                @Override
                public <T> T activateJob(Class<T> type) {
                    return type == VideoJob.class ? type.cast(job) : null;
                }
            };
            workers = new BackgroundJobServer(jobs, jobJson, activator, usingStandardBackgroundJobServerConfiguration()
                    .andName(config.workerName()).andWorkerCount(config.workers()).andPollInterval(POLL));
            VideoQueue queue = new VideoQueue(store, files, new JobRequestScheduler(jobs), jobs, config.queueLimit());
            int lost = queue.recover();
            if (lost > 0) {
                LOG.warn("{} unfinished videos could not be resumed and were marked failed", lost);
            }
            workers.start();
            ObjectMapper json = new ObjectMapper();
            long modelCreated = Files.getLastModifiedTime(config.modelDir().resolve("config.json")).toMillis() / 1000;
            bodies = new BodyReader(BodyReader.Limits.DEFAULT);
            ComputeGate compute = new ComputeGate(config.workers(), config.queueLimit());
            Path uploadCache = Files.createDirectories(data.resolve("uploads"));
            RequestForm.Reader forms = new RequestForm.Reader(json, bodies, new UploadCheck(config.maxUploadBytes()), uploadCache);
            int threads = FREE_THREADS + bodies.limits().slots() + StromApi.MAX_STREAMS + compute.admittable();
            Javalin app = javalin(json, threads);
            ApiKeys keys = config.keys();
            app.before("/v1/*", keys::admit);
            VideoApi videos = new VideoApi(store, queue, files, pipeline, forms);
            videos.routes(app);
            new StromApi(store, files, pipeline, forms, compute, uploadCache, modelCreated).routes(app);
            // the Files and Batch APIs: a batch's lines become videos through videos.create, on the same queue
            FileStore fileStore = new FileStore(db, data);
            fileStore.createTable();
            BatchStore batchStore = new BatchStore(db);
            batchStore.createTables();
            batchRunner = new BatchRunner(json, batchStore, fileStore, store, queue, videos::create, config.queueLimit());
            new FilesApi(fileStore, forms).routes(app);
            new BatchApi(batchStore, fileStore, batchRunner, forms).routes(app);
            app.start(config.host(), config.port());
            batchRunner.start();
            return new StromServer(pipeline, db, jobs, workers, app, bodies, batchRunner);
        } catch (IOException | RuntimeException e) {
            if (batchRunner != null) {
                batchRunner.close();
            }
            if (bodies != null) {
                bodies.close();
            }
            if (workers != null) {
                workers.stop();
            }
            if (jobs != null) {
                jobs.close();
            }
            if (db != null) {
                db.close();
            }
            pipeline.close();
            throw e;
        }
    }

    /**
     * The HTTP side: a bounded request thread pool sized so that readers of bodies, event streams and requests
     * waiting for the model can never take all of it; JSON errors for everything Jetty or a route refuses.
     */
    private static Javalin javalin(ObjectMapper json, int threads) {
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(json, false));
            QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(8, threads), 60_000);
            pool.setName("strom-http");
            cfg.jetty.threadPool = pool;
            // (no cfg.http.maxRequestSize: Javalin checks it only against a declared Content-Length; every body is
            // read through BodyReader, capped whatever the framing and cut when too slow)
            // stalled clients are cut off instead of holding a connection
            cfg.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(IDLE_TIMEOUT_MILLIS));
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorPages(json)));
            cfg.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrorPages(json)));
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/dev/strom/serve/studio";
                files.location = Location.CLASSPATH;
            });
        });
        app.exception(ApiError.class, (e, ctx) -> answer(ctx, e, json));
        app.exception(HttpResponseException.class, (e, ctx) -> {
            ApiError error = e.getStatus() == 413 ? ApiError.tooLarge("The request body is too large.")
                    : new ApiError(e.getStatus(), "invalid_request_error", null, null, e.getMessage());
            answer(ctx, error, json);
        });
        app.exception(Exception.class, (e, ctx) -> {
            // the detail (a disk error names the server's paths) stays in the log
            LOG.error("request failed: {} {}", ctx.method(), ctx.path(), e);
            answer(ctx, ApiError.forFailure(e), json);
        });
        app.error(404, ctx -> {
            if (ctx.result() == null) {
                ctx.json(new ApiError(404, "invalid_request_error", "unknown_url", null,
                        "Unknown request URL: " + ctx.method() + " " + ctx.path()).body(json));
            }
        });
        return app;
    }

    private static void answer(Context ctx, ApiError error, ObjectMapper json) {
        if (error.retryAfter() > 0) {
            ctx.header("Retry-After", String.valueOf(error.retryAfter()));
        }
        ctx.status(error.status()).json(error.body(json));
    }

    /** The address the server really listens on, as host:port (the connector's, after start). */
    public String address() {
        ServerConnector connector = (ServerConnector) app.jettyServer().server().getConnectors()[0];
        String host = connector.getHost() == null ? "0.0.0.0" : connector.getHost();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort();
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        batches.close();
        bodies.close();
        workers.stop();
        jobs.close();
        db.close();
        pipeline.close();
    }
}
