package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request bodies from a client with a valid key that tries to exhaust the server: bodies far over the limit sent
 * chunked (no Content-Length to refuse up front), hundreds of bodies dribbled a byte at a time, broken chunk framing.
 * Each is refused with the API's JSON error without the server reading the whole body or running out of threads.
 */
class HostileBodiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 64 << 10;
    /** What a client offers; far more than any limit (1 MiB of JSON, 4 MiB uploads in the test server). */
    private static final long OFFERED = 256L << 20;
    /**
     * What the client may get written before it hears the refusal: the limit, socket buffers on both sides and
     * whatever the paced writer sends while a slow test thread gets round to reading the answer. A server that reads the whole body before
     * answering lets all of {@link #OFFERED} through.
     */
    private static final long WRITTEN_BOUND = 64L << 20;
    /** How soon after refusing a body the server must close the connection while the client still sends. */
    private static final Duration LET_GO = BodyReader.LINGER.plusSeconds(8);

    record Reply(int status, String head, byte[] body) {
        JsonNode error() throws IOException {
            return JSON.readTree(body).path("error");
        }
    }

    @Test
    void aChunkedJsonBodyFarOverTheLimitIs413BeforeMostOfItIsSentAndTheConnectionIsLetGo() throws Exception {
        assertRefusedEarly(sendChunked("/v1/videos", "application/json", "{\"prompt\": \"".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aChunkedMultipartBodyFarOverTheUploadLimitIs413BeforeMostOfItIsSentAndTheConnectionIsLetGo() throws Exception {
        byte[] head = ("--" + Http.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertRefusedEarly(sendChunked("/v1/scores", "multipart/form-data; boundary=" + Http.BOUNDARY, head));
    }

    private static void assertRefusedEarly(Refusal refusal) throws IOException {
        assertEquals(413, refusal.reply().status(), refusal.reply().head());
        assertEquals("request_too_large", refusal.reply().error().path("code").asText());
        assertTrue(refusal.sentBeforeAnswer() < WRITTEN_BOUND,
                "the server let " + (refusal.sentBeforeAnswer() >> 20) + " MiB through before refusing");
        assertTrue(refusal.letGo(), "the server still read the refused body " + LET_GO.toSeconds() + " s after refusing it");
    }

    @Test
    void brokenChunkFramingIs400WithTheJsonError() throws Exception {
        String head = "POST /v1/videos HTTP/1.1\r\nHost: strom\r\nAuthorization: Bearer " + TestServer.KEY
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        List<String> framings = List.of("zz\r\n{}\r\n0\r\n\r\n", "5\r\n{\"pro\r\nnot-a-size\r\nmpt\"\r\n0\r\n\r\n",
                "ffffffffffffffffffff\r\n{}\r\n0\r\n\r\n");
        for (String framing : framings) {
            try (Socket socket = connect()) {
                socket.getOutputStream().write((head + framing).getBytes(StandardCharsets.US_ASCII));
                Reply reply = readReply(socket.getInputStream());
                assertEquals(400, reply.status(), framing + ": " + reply.head());
                assertTrue(reply.error().path("message").isTextual(), framing + ": " + new String(reply.body(), StandardCharsets.UTF_8));
                assertTrue(reply.error().has("param") && reply.error().has("code"), new String(reply.body(), StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * Three hundred connections (more than Javalin's default 250 request threads) each send their headers and then a
     * body byte every 2 s, which keeps resetting the idle timeout. The server still answers a probe promptly,
     * and lets every dribbler go (a refusal, or its connection closed) within a minute.
     */
    @Test
    void threeHundredDribblingBodiesNeitherStarveOtherRequestsNorStayConnected() throws Exception {
        int dribblers = 300;
        String head = "POST /v1/videos HTTP/1.1\r\nHost: strom\r\nAuthorization: Bearer " + TestServer.KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{";
        List<Socket> sockets = new ArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread dribble = new Thread(() -> {
            while (!done.get()) {
                for (Socket s : sockets) {
                    try {
                        s.getOutputStream().write(' ');
                    } catch (IOException e) {
                        // let go by the server: nothing more to send there
                    }
                }
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long start = System.nanoTime();
        try {
            for (int i = 0; i < dribblers; i++) {
                Socket s = connect();
                s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                sockets.add(s);
            }
            dribble.start();
            Thread.sleep(1000);

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
            HttpResponse<String> probe = client.send(HttpRequest.newBuilder(URI.create(TestServer.baseUrl() + "/v1/models"))
                    .header("Authorization", "Bearer " + TestServer.KEY).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, probe.statusCode(), "the probe is served while " + dribblers + " bodies dribble");

            long deadline = start + Duration.ofSeconds(60).toNanos();
            int held = 0;
            for (Socket s : sockets) {
                if (!letGo(s, deadline)) {
                    held++;
                }
            }
            assertEquals(0, held, held + " of " + dribblers + " dribbling bodies were still being read after a minute");
        } finally {
            done.set(true);
            dribble.interrupt();
            dribble.join(5000);
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** Whether the server answered this connection or closed it before the deadline. */
    private static boolean letGo(Socket s, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            return false;
        }
        s.setSoTimeout((int) left);
        try {
            s.getInputStream().read();
            return true; // an answer's first byte, or the end of the stream
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    /** A refusal of a chunked body: the answer, how much had been sent when it came, and whether the server let go. */
    record Refusal(Reply reply, long sentBeforeAnswer, boolean letGo) {
    }

    /**
     * Sends {@code prefix} and then up to {@link #OFFERED} bytes of filler as chunks, paced to about 60 MiB/s so a
     * test thread slow to read the answer does not count as the server reading on; counts what went out when the
     * answer's first byte arrived. Then goes on sending, as a hostile client would, and notes whether the server
     * closed the connection within {@link #LET_GO}.
     */
    private static Refusal sendChunked(String path, String contentType, byte[] prefix) throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: strom\r\nAuthorization: Bearer " + TestServer.KEY
                    + "\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            AtomicLong written = new AtomicLong();
            AtomicLong answeredAt = new AtomicLong(); // nanoTime of the answer's first byte, 0 before
            AtomicBoolean closed = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                byte[] filler = new byte[CHUNK];
                Arrays.fill(filler, (byte) 'a');
                try {
                    chunk(out, prefix);
                    while (answeredAt.get() == 0 ? written.get() < OFFERED : System.nanoTime() - answeredAt.get() < LET_GO.toNanos()) {
                        chunk(out, filler);
                        written.addAndGet(CHUNK);
                        Thread.sleep(1);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    closed.set(true); // the server closed the connection: it reads no more
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            writer.start();
            try {
                InputStream in = socket.getInputStream();
                int first = in.read();
                long sent = written.get();
                answeredAt.set(System.nanoTime());
                Reply reply = readReply(new SequenceInputStream(new ByteArrayInputStream(new byte[]{(byte) first}), in));
                writer.join(LET_GO.toMillis() + 30_000);
                return new Refusal(reply, sent, closed.get());
            } finally {
                writer.interrupt();
                writer.join(60_000);
            }
        }
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", TestServer.shared().port());
        s.setSoTimeout(120_000);
        return s;
    }

    /** One HTTP/1.1 response: status, head and a Content-Length or chunked body. */
    private static Reply readReply(InputStream in) throws IOException {
        String head = line(in);
        int status = Integer.parseInt(head.split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        for (String h; !(h = line(in)).isEmpty(); ) {
            head += "\n" + h;
            String lower = h.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int n; (n = Integer.parseInt(line(in).trim(), 16)) > 0; line(in)) {
                body.write(in.readNBytes(n));
            }
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        } else {
            body.write(in.readAllBytes());
        }
        return new Reply(status, head, body.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed mid-response after: " + s);
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }
}
