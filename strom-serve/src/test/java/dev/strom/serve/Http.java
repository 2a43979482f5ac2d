package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;

/** Plain HTTP calls with one of the test keys (the default project's unless given), for endpoints the OpenAI SDK does not know. */
record Http(String base, String key) {

    Http(String base) {
        this(base, TestServer.KEY);
    }

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String BOUNDARY = "strom-test-boundary";

    record Reply(int status, JsonNode body, HttpHeaders headers) {
    }

    Reply json(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, path, "application/json", body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }

    /** One multipart body from name / filename-or-null / content triples. */
    Reply multipart(String path, Object... parts) throws IOException, InterruptedException {
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < parts.length; i += 3) {
            String name = (String) parts[i];
            String file = (String) parts[i + 1];
            byte[] content = parts[i + 2] instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) parts[i + 2];
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                    + (file == null ? "" : "; filename=\"" + file + "\"\r\nContent-Type: application/octet-stream") + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.writeBytes(content);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send("POST", path, "multipart/form-data; boundary=" + BOUNDARY, out.toByteArray());
    }

    private Reply send(String method, String path, String type, byte[] body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> res = CLIENT.send(req, HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(res.statusCode(), JSON.readTree(res.body()), res.headers());
    }
}
