package dev.strom.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import dev.strom.pipeline.Delivery;
import dev.strom.pipeline.VideoPipeline;
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
    private static final long MAX_JSON_BYTES = 1 << 20;

    private final VideoPipeline pipeline;
    private final HikariDataSource db;
    private final StorageProvider jobs;
    private final BackgroundJobServer workers;
    private final Javalin app;
    private final BatchRunner batches;

    private StromServer(VideoPipeline pipeline, HikariDataSource db, StorageProvider jobs, BackgroundJobServer workers, Javalin app,
                        BatchRunner batches) {
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
            UploadCheck uploads = new UploadCheck(config.maxUploadBytes());
            long modelCreated = Files.getLastModifiedTime(config.modelDir().resolve("config.json")).toMillis() / 1000;
            Javalin app = javalin(config, json, data.resolve("uploads"));
            ApiKeys keys = config.keys();
            app.before("/v1/*", keys::admit);
            VideoApi videos = new VideoApi(json, store, queue, files, pipeline, uploads);
            videos.routes(app);
            new StromApi(json, store, files, pipeline, uploads, data.resolve("uploads"), modelCreated).routes(app);
            // the Files and Batch APIs: a batch's lines become videos through videos.create, on the same queue
            FileStore fileStore = new FileStore(db, data);
            fileStore.createTable();
            BatchStore batchStore = new BatchStore(db);
            batchStore.createTables();
            batchRunner = new BatchRunner(json, batchStore, fileStore, store, queue, videos::create, config.queueLimit());
            new FilesApi(json, fileStore, uploads).routes(app);
            new BatchApi(json, batchStore, fileStore, batchRunner, uploads).routes(app);
            app.start(config.port());
            batchRunner.start();
            return new StromServer(pipeline, db, jobs, workers, app, batchRunner);
        } catch (IOException | RuntimeException e) {
            if (batchRunner != null) {
                batchRunner.close();
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

    private static Javalin javalin(ServeConfig config, ObjectMapper json, Path uploadCache) throws IOException {
        Files.createDirectories(uploadCache);
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(json, false));
            cfg.http.maxRequestSize = MAX_JSON_BYTES;
            cfg.jetty.multipartConfig.cacheDirectory(uploadCache.toString());
            cfg.jetty.multipartConfig.maxFileSize(config.maxUploadBytes(), SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            cfg.jetty.multipartConfig.maxTotalRequestSize(config.maxUploadBytes() + MAX_JSON_BYTES, SizeUnit.BYTES);
            // slow or stalled clients are cut off instead of holding a thread
            cfg.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(IDLE_TIMEOUT_MILLIS));
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorPages(json)));
            cfg.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JsonErrorPages(json)));
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/dev/strom/serve/studio";
                files.location = Location.CLASSPATH;
            });
        });
        app.exception(ApiError.class, (e, ctx) -> ctx.status(e.status()).json(e.body(json)));
        app.exception(HttpResponseException.class, (e, ctx) -> {
            ApiError error = e.getStatus() == 413 ? ApiError.tooLarge("The request body is too large.")
                    : new ApiError(e.getStatus(), "invalid_request_error", null, null, e.getMessage());
            ctx.status(error.status()).json(error.body(json));
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("request failed: {} {}", ctx.method(), ctx.path(), e);
            ApiError error = new ApiError(500, "server_error", null, null, "The server had an error while processing the request.");
            ctx.status(500).json(error.body(json));
        });
        app.error(404, ctx -> {
            if (ctx.result() == null) {
                ctx.json(new ApiError(404, "invalid_request_error", "unknown_url", null,
                        "Unknown request URL: " + ctx.method() + " " + ctx.path()).body(json));
            }
        });
        return app;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        batches.close();
        workers.stop();
        jobs.close();
        db.close();
        pipeline.close();
    }
}
