package dev.strom.serve;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads request bodies so that no client can hold the server's memory or threads with one. Jetty enforces
 * Javalin's size limit only against a declared Content-Length, and a blocking read holds a request thread for as
 * long as the client keeps dribbling (each byte resets the idle timeout). So every body goes through here:
 * <ul>
 * <li>at most {@code maxBytes} are read whatever the framing (Content-Length or chunked); beyond, 413;</li>
 * <li>at most {@link Limits#slots} bodies are read at once; beyond, 429 at once, so readers can never take all of
 * the request threads;</li>
 * <li>a body that has not kept up {@link Limits#minBytesPerSecond} on average once {@link Limits#grace} has passed
 * is cut off (its connection is closed), whether it sends bytes slowly, only chunk framing, or nothing.</li>
 * </ul>
 */
final class BodyReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BodyReader.class);
    private static final long CHECK_MILLIS = 500;
    /**
     * How long a refused connection stays open after the refusal: time for the answer to reach the client before
     * the close. Jetty otherwise reads and discards the rest of a refused body for as long as it keeps coming, even
     * with "Connection: close"; closing at once could reset the connection before the client has read the answer
     * (nginx and Apache linger the same way, bounded in time).
     */
    static final Duration LINGER = Duration.ofSeconds(2);

    /** How many bodies are read at once, and how fast each must arrive after its grace period. */
    record Limits(int slots, long minBytesPerSecond, Duration grace) {
        static final Limits DEFAULT = new Limits(16, 16 * 1024, Duration.ofSeconds(10));

        Limits {
            if (slots < 1 || minBytesPerSecond < 1 || grace.isNegative()) {
                throw new IllegalArgumentException("body read limits must be positive");
            }
        }
    }

    /** What a caller does with the (bounded) body stream: parse it, copy it. */
    @FunctionalInterface
    interface Consumer<T> {
        T read(InputStream body) throws IOException;
    }

    private final Limits limits;
    private final Semaphore slots;
    private final Set<Body> reading = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog;

    BodyReader(Limits limits) {
        this.limits = limits;
        this.slots = new Semaphore(limits.slots());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strom-body-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::cutSlowBodies, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    Limits limits() {
        return limits;
    }

    /**
     * Hands the request's body, capped at {@code maxBytes}, to {@code consumer}. A body over the cap is 413, a body
     * cut for slowness 408, a body whose framing breaks (bad chunks, a connection that ends early) 400; the
     * consumer's own failures (a parse error, a disk error) come out as they are.
     */
    <T> T read(Context ctx, long maxBytes, Consumer<T> consumer) throws IOException {
        if (ctx.req().getContentLengthLong() > maxBytes) {
            throw letGo(ctx, ApiError.tooLarge("The request body is larger than " + maxBytes + " bytes.")); // said, not read
        }
        if (!slots.tryAcquire()) {
            throw letGo(ctx, ApiError.busy("Too many request bodies are being received at once (" + limits.slots()
                    + "); retry in a moment.", 1));
        }
        Body body = new Body(ctx.req(), maxBytes);
        reading.add(body);
        try {
            return consumer.read(body);
        } catch (IOException | RuntimeException e) {
            // the rest of the body may be unread: see letGo()
            if (body.exceeded) {
                throw letGo(ctx, ApiError.tooLarge("The request body is larger than " + maxBytes + " bytes."));
            }
            if (body.cut) {
                throw ApiError.tooSlow("The request body arrived slower than " + limits.minBytesPerSecond() + " bytes per second.");
            }
            if (body.broken) {
                throw letGo(ctx, ApiError.invalid(null, "The request body could not be read (broken chunked framing or a body shorter than declared)."));
            }
            letGo(ctx, null);
            throw e;
        } finally {
            reading.remove(body);
            slots.release();
        }
    }

    /**
     * A refusal of a body left (partly) unread: the answer says "Connection: close", and the connection is closed
     * {@link #LINGER} later whatever the client still sends, since Jetty would otherwise go on reading and discarding
     * the rest of the body for as long as it keeps arriving.
     */
    private ApiError letGo(Context ctx, ApiError refusal) {
        ctx.header("Connection", "close");
        EndPoint connection = Request.getBaseRequest(ctx.req()).getHttpChannel().getEndPoint();
        watchdog.schedule((Runnable) connection::close, LINGER.toMillis(), TimeUnit.MILLISECONDS);
        return refusal;
    }

    private void cutSlowBodies() {
        long now = System.nanoTime();
        for (Body body : reading) {
            double seconds = (now - body.started) / 1e9;
            if (!body.cut && seconds > limits.grace().toMillis() / 1000.0 && body.count < limits.minBytesPerSecond() * seconds) {
                body.cut = true;
                LOG.info("cut a request body that arrived too slowly: {} bytes in {} s", body.count, Math.round(seconds));
                try {
                    // closing the connection wakes the thread blocked in read(); the client hears nothing more
                    Request.getBaseRequest(body.request).getHttpChannel().abort(new TimeoutException("request body too slow"));
                } catch (RuntimeException e) {
                    LOG.warn("could not cut a slow request body", e);
                }
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    /** The request's body stream, counting what it reads and stopping one byte past the cap. */
    private static final class Body extends InputStream {
        private final HttpServletRequest request;
        private final long maxBytes;
        private final long started = System.nanoTime();
        private InputStream in;
        private volatile long count;
        private volatile boolean cut;
        private boolean exceeded;
        private boolean broken;

        Body(HttpServletRequest request, long maxBytes) {
            this.request = request;
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (cut) {
                throw new IOException("request body cut off: too slow");
            }
            int n;
            try {
                if (in == null) {
                    in = request.getInputStream();
                }
                // one byte past the cap is enough to know it is exceeded
                n = in.read(b, off, (int) Math.min(len, maxBytes + 1 - count));
            } catch (IOException | RuntimeException e) {
                broken = true;
                throw e instanceof IOException io ? io : new IOException(e);
            }
            if (n > 0) {
                count += n;
                if (count > maxBytes) {
                    exceeded = true;
                    throw new IOException("request body larger than " + maxBytes + " bytes");
                }
            }
            return n;
        }
    }
}
