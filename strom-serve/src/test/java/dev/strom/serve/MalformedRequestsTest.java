package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 210 malformed requests (bad JSON, wrong types, huge fields, bad multipart, random bytes as media, bad ids
 * and queries) each get a 4xx with an OpenAI-shaped error body, never a 5xx, and the server keeps serving.
 */
class MalformedRequestsTest {

    record Bad(String method, String path, String contentType, byte[] body) {
    }

    private static final String BOUNDARY = "strom-boundary";
    private final Random random = new Random(7);

    @Test
    void twoHundredAndTenMalformedRequestsGet4xxAndTheServerKeepsServing() throws Exception {
        List<Bad> cases = new ArrayList<>();
        badJson(cases);
        wrongTypes(cases);
        hugeFields(cases);
        badMultipart(cases);
        randomMedia(cases);
        badIdsAndQueries(cases);
        assertEquals(210, cases.size());

        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        String base = TestServer.baseUrl();
        List<String> wrong = new ArrayList<>();
        for (Bad bad : cases) {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + bad.path()))
                    .header("Authorization", "Bearer " + TestServer.KEY)
                    .method(bad.method(), bad.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bad.body()));
            if (bad.contentType() != null) {
                req.header("Content-Type", bad.contentType());
            }
            HttpResponse<byte[]> res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            String label = bad.method() + " " + bad.path() + " [" + bad.contentType() + ", "
                    + (bad.body() == null ? 0 : bad.body().length) + " bytes]";
            if (res.statusCode() < 400 || res.statusCode() >= 500) {
                wrong.add(res.statusCode() + " " + label + ": " + new String(res.body(), StandardCharsets.UTF_8));
                continue;
            }
            JsonNode error;
            try {
                error = json.readTree(res.body()).path("error");
            } catch (IOException e) {
                error = json.createObjectNode();
            }
            if (!error.path("message").isTextual() || !error.has("type") || !error.has("code") || !error.has("param")) {
                wrong.add(res.statusCode() + " without an OpenAI error body: " + label);
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " requests were not refused with a 4xx:\n" + String.join("\n", wrong));

        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/videos"))
                .header("Authorization", "Bearer " + TestServer.KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, list.statusCode(), "the server still serves");
        assertTrue(json.readTree(list.body()).path("data").isArray());
    }

    private void badJson(List<Bad> cases) {
        String[] bodies = {"", "{", "}", "[", "{\"prompt\":", "{\"prompt\": \"a\"", "{prompt: 'a'}", "null", "42", "\"text\"",
                "[{\"prompt\":\"a\"}]", "{\"prompt\":\"a\",}", "{\"prompt\" \"a\"}", "{\"prompt\":\"\\u12\"}", "{\"a\":1}{\"b\":2}",
                "true", "{\"prompt\":\"a\" \"size\":\"1x1\"}", "\u0000\u0001\u0002", "{{{{{{{{", "{\"prompt\":NaN}"};
        for (String b : bodies) {
            cases.add(new Bad("POST", "/v1/videos", "application/json", b.getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < 10; i++) {
            cases.add(new Bad("POST", "/v1/videos", "application/json", randomBytes(1 + random.nextInt(2000))));
        }
        cases.add(new Bad("POST", "/v1/videos/" + "video_00000000000000000000000000000000" + "/remix", "application/json", "{".getBytes()));
        cases.add(new Bad("POST", "/v1/videos", "text/plain", "prompt=a".getBytes()));
        cases.add(new Bad("POST", "/v1/videos", "application/x-www-form-urlencoded", "prompt=a".getBytes()));
    }

    private void wrongTypes(List<Bad> cases) {
        String[] bodies = {
                "{\"prompt\": 42}", "{\"prompt\": true}", "{\"prompt\": [\"a\"]}", "{\"prompt\": {\"text\":\"a\"}}", "{}",
                "{\"prompt\": \"\"}", "{\"prompt\": \"   \"}", "{\"prompt\": null}",
                "{\"prompt\": \"a\", \"seconds\": \"abc\"}", "{\"prompt\": \"a\", \"seconds\": -4}", "{\"prompt\": \"a\", \"seconds\": 0}",
                "{\"prompt\": \"a\", \"seconds\": 1e9}", "{\"prompt\": \"a\", \"seconds\": {\"s\":4}}", "{\"prompt\": \"a\", \"seconds\": 4.5}",
                "{\"prompt\": \"a\", \"seconds\": \"99999999999999999999\"}", "{\"prompt\": \"a\", \"size\": \"axb\"}",
                "{\"prompt\": \"a\", \"size\": \"0x0\"}", "{\"prompt\": \"a\", \"size\": 1280}", "{\"prompt\": \"a\", \"size\": \"1280x\"}",
                "{\"prompt\": \"a\", \"size\": \"-1x-1\"}", "{\"prompt\": \"a\", \"size\": \"99999x99999\"}", "{\"prompt\": \"a\", \"size\": \"1x2x3\"}",
                "{\"prompt\": \"a\", \"seed\": -1}", "{\"prompt\": \"a\", \"seed\": \"x\"}", "{\"prompt\": \"a\", \"seed\": 1.5}",
                "{\"prompt\": \"a\", \"seed\": 1e40}", "{\"prompt\": \"a\", \"guidance\": \"x\"}", "{\"prompt\": \"a\", \"guidance\": -1}",
                "{\"prompt\": \"a\", \"guidance\": 1e9}", "{\"prompt\": \"a\", \"guidance\": [1]}", "{\"prompt\": \"a\", \"model\": 3}",
                "{\"prompt\": \"a\", \"model\": \"gpt-nothing\"}", "{\"prompt\": \"a\", \"colour\": \"red\"}", "{\"prompt\": \"a\", \"input_reference\": 5}",
                "{\"prompt\": \"a\", \"input_reference\": {\"image_url\": \"http://example.com/a.png\"}}",
                "{\"prompt\": \"a\", \"seconds\": true}", "{\"prompt\": \"a\", \"size\": null, \"seed\": \"NaN\"}",
        };
        for (String b : bodies) {
            cases.add(new Bad("POST", "/v1/videos", "application/json", b.getBytes(StandardCharsets.UTF_8)));
        }
        cases.add(new Bad("POST", "/v1/videos/extensions", "application/json", "{\"prompt\": 1, \"video\": {\"id\": 3}}".getBytes()));
        cases.add(new Bad("POST", "/v1/videos/edits", "application/json", "{\"prompt\": \"a\", \"video\": [1,2]}".getBytes()));
        cases.add(new Bad("POST", "/v1/videos/edits", "application/json", "{\"prompt\": \"a\"}".getBytes()));
    }

    private void hugeFields(List<Bad> cases) {
        for (int n : new int[]{1001, 5000, 100_000, 500_000}) {
            cases.add(new Bad("POST", "/v1/videos", "application/json", ("{\"prompt\": \"" + "a".repeat(n) + "\"}").getBytes()));
        }
        cases.add(new Bad("POST", "/v1/videos", "application/json", ("{\"prompt\": \"" + "a".repeat(3 << 20) + "\"}").getBytes()));
        cases.add(new Bad("POST", "/v1/videos", "application/json", ("{\"prompt\": \"a\", \"size\": \"" + "9".repeat(10_000) + "x1\"}").getBytes()));
        cases.add(new Bad("POST", "/v1/videos", "application/json", ("{\"prompt\": \"a\", \"seconds\": \"" + "9".repeat(10_000) + "\"}").getBytes()));
        cases.add(new Bad("POST", "/v1/videos", "application/json", ("{\"" + "k".repeat(100_000) + "\": 1}").getBytes()));
        cases.add(new Bad("POST", "/v1/videos", "application/json", ("{\"prompt\": \"a\", \"seed\": " + "9".repeat(5000) + "}").getBytes()));
        cases.add(new Bad("POST", "/v1/videos", "application/json", ("[".repeat(100_000)).getBytes()));
        cases.add(new Bad("POST", "/v1/videos", "application/json", ("{\"a\":".repeat(50_000)).getBytes()));
        cases.add(new Bad("POST", "/v1/videos", "application/json", ("{\"prompt\": \"a\", \"model\": \"" + "m".repeat(70) + "\"}").getBytes()));
        for (int i = 0; i < 8; i++) {
            String prompt = "x".repeat(1001 + random.nextInt(50_000));
            cases.add(new Bad("POST", "/v1/videos", "multipart/form-data; boundary=" + BOUNDARY, multipart("prompt", null, prompt.getBytes())));
        }
        cases.add(new Bad("POST", "/v1/videos", "multipart/form-data; boundary=" + BOUNDARY,
                multipart("input_reference", "big.png", concat(png(), randomBytes(5 << 20)))));
        cases.add(new Bad("POST", "/v1/scores", "multipart/form-data; boundary=" + BOUNDARY,
                multipart("file", "big.mp4", concat(mp4Head(), randomBytes(5 << 20)))));
        cases.add(new Bad("POST", "/v1/videos/video_00000000000000000000000000000000/remix", "application/json",
                ("{\"prompt\": \"" + "a".repeat(2000) + "\"}").getBytes()));
        cases.add(new Bad("POST", "/v1/videos/extensions", "application/json", ("{\"prompt\": \"" + "a".repeat(2000) + "\"}").getBytes()));
        for (int i = 0; i < 8; i++) {
            cases.add(new Bad("POST", "/v1/videos", "application/json",
                    ("{\"prompt\": \"a\", \"" + "f".repeat(10 + random.nextInt(10_000)) + "\": \"v\"}").getBytes()));
        }
    }

    private void badMultipart(List<Bad> cases) {
        String ct = "multipart/form-data; boundary=" + BOUNDARY;
        cases.add(new Bad("POST", "/v1/videos", "multipart/form-data", multipart("prompt", null, "a".getBytes())));
        cases.add(new Bad("POST", "/v1/videos", "multipart/form-data; boundary=other", multipart("prompt", null, "a".getBytes())));
        cases.add(new Bad("POST", "/v1/videos", ct, "--strom-boundary\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na".getBytes()));
        cases.add(new Bad("POST", "/v1/videos", ct, "--strom-boundary\r\n\r\n\r\n--strom-boundary--\r\n".getBytes()));
        cases.add(new Bad("POST", "/v1/videos", ct, "not multipart at all".getBytes()));
        cases.add(new Bad("POST", "/v1/videos", ct, new byte[0]));
        cases.add(new Bad("POST", "/v1/videos", ct, "--strom-boundary--\r\n".getBytes()));
        cases.add(new Bad("POST", "/v1/videos", ct, "--strom-boundary\r\nContent-Disposition: form-data\r\n\r\na\r\n--strom-boundary--\r\n".getBytes()));
        cases.add(new Bad("POST", "/v1/videos", ct, multipart("prompt", null, "a".getBytes(), "prompt", null, "b".getBytes())));
        cases.add(new Bad("POST", "/v1/videos", ct, multipart("unknown", null, "a".getBytes())));
        cases.add(new Bad("POST", "/v1/videos", ct, multipart("seconds", null, "4".getBytes())));
        cases.add(new Bad("POST", "/v1/videos", ct, multipart("prompt", "prompt.txt", "a file where text belongs".getBytes())));
        cases.add(new Bad("POST", "/v1/videos", "multipart/mixed; boundary=" + BOUNDARY, multipart("prompt", null, "a".getBytes())));
        cases.add(new Bad("POST", "/v1/scores", ct, multipart("prompt", null, "no file".getBytes())));
        cases.add(new Bad("POST", "/v1/scores", "application/json", "{\"file\": \"abc\"}".getBytes()));
        cases.add(new Bad("POST", "/v1/classifications", ct, multipart("captions", null, "[\"a\", \"b\"]".getBytes())));
        cases.add(new Bad("POST", "/v1/classifications", ct, multipart("file", "clip.mp4", mp4Head())));
        cases.add(new Bad("POST", "/v1/classifications", ct, multipart("file", "clip.mp4", mp4Head(), "captions", null, "a, b".getBytes())));
        cases.add(new Bad("POST", "/v1/classifications", ct, multipart("file", "clip.mp4", mp4Head(), "captions", null, "[\"one\"]".getBytes())));
        cases.add(new Bad("POST", "/v1/classifications", ct, multipart("file", "clip.mp4", mp4Head(), "captions", null, "[1, 2]".getBytes())));
        cases.add(new Bad("POST", "/v1/classifications", ct, multipart("file", "clip.mp4", mp4Head(), "captions", null, "[\"a\", \" \"]".getBytes())));
        cases.add(new Bad("POST", "/v1/classifications", ct, multipart("file", "clip.mp4", mp4Head(), "captions", null,
                ("[" + "\"a\",".repeat(40) + "\"b\"]").getBytes())));
        cases.add(new Bad("POST", "/v1/classifications", ct, multipart("file", "clip.mp4", mp4Head(), "captions", null,
                "[\"a\", \"b\"]".getBytes(), "draws", null, "0".getBytes())));
        cases.add(new Bad("POST", "/v1/classifications", ct, multipart("file", "clip.mp4", concat(mp4Head(), randomBytes(3000)), "captions", null,
                "[\"a\", \"b\"]".getBytes())));
        cases.add(new Bad("POST", "/v1/classifications", ct, multipart("file", "clip.mp4", mp4Head(), "captions", null,
                "[\"a\", \"b\"]".getBytes(), "given", null, "16".getBytes())));
        cases.add(new Bad("POST", "/v1/videos/extensions", ct, multipart("prompt", null, "no video".getBytes())));
        cases.add(new Bad("POST", "/v1/videos/edits", ct, multipart("video", null, "{\"id\": \"../../etc/passwd\"}".getBytes())));
        for (int i = 0; i < 13; i++) {
            byte[] garbage = randomBytes(10 + random.nextInt(4000));
            byte[] body = i % 2 == 0 ? garbage : concat(("--" + BOUNDARY + "\r\n").getBytes(), garbage);
            cases.add(new Bad("POST", i % 3 == 0 ? "/v1/scores" : "/v1/videos", ct, body));
        }
    }

    private void randomMedia(List<Bad> cases) {
        String ct = "multipart/form-data; boundary=" + BOUNDARY;
        for (int i = 0; i < 10; i++) {
            cases.add(new Bad("POST", "/v1/scores", ct, multipart("file", "clip.mp4", randomBytes(100 + random.nextInt(20_000)))));
        }
        for (int i = 0; i < 6; i++) {
            cases.add(new Bad("POST", "/v1/scores", ct, multipart("file", "clip.mp4", concat(mp4Head(), randomBytes(100 + random.nextInt(20_000))))));
        }
        cases.add(new Bad("POST", "/v1/scores", ct, multipart("file", "clip.webm", concat(new byte[]{0x1A, 0x45, (byte) 0xDF, (byte) 0xA3}, randomBytes(3000)))));
        cases.add(new Bad("POST", "/v1/scores", ct, multipart("file", "clip.gif", concat("GIF89a".getBytes(), randomBytes(3000)))));
        cases.add(new Bad("POST", "/v1/scores", ct, multipart("file", "clip.mp4", png())));
        cases.add(new Bad("POST", "/v1/scores", ct, multipart("file", "empty.mp4", new byte[0])));
        for (int i = 0; i < 5; i++) {
            cases.add(new Bad("POST", "/v1/videos", ct, multipart("prompt", null, "a cat".getBytes(), "input_reference", "ref.png", randomBytes(100 + random.nextInt(5000)))));
        }
        cases.add(new Bad("POST", "/v1/videos", ct, multipart("prompt", null, "a cat".getBytes(), "input_reference", "ref.png", concat(png(), randomBytes(500)))));
        cases.add(new Bad("POST", "/v1/videos", ct, multipart("prompt", null, "a cat".getBytes(), "input_reference", "ref.jpg", concat(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, randomBytes(500)))));
        cases.add(new Bad("POST", "/v1/videos", ct, multipart("prompt", null, "a cat".getBytes(), "input_reference", "ref.mp4", concat(mp4Head(), randomBytes(500)))));
        cases.add(new Bad("POST", "/v1/videos/extensions", ct, multipart("prompt", null, "go on".getBytes(), "video", "v.mp4", randomBytes(800))));
        cases.add(new Bad("POST", "/v1/videos/edits", ct, multipart("prompt", null, "bluer".getBytes(), "video", "v.png", png())));
    }

    private void badIdsAndQueries(List<Bad> cases) {
        String[] ids = {"..%2F..%2Fetc%2Fpasswd", "video_..", "video_0000", "VIDEO_00000000000000000000000000000000", "%00",
                "video_00000000000000000000000000000000%2F..", "video_0000000000000000000000000000000g", "x".repeat(5000),
                "video_00000000000000000000000000000000", "%E2%98%83"};
        for (String id : ids) {
            cases.add(new Bad("GET", "/v1/videos/" + id, null, null));
            cases.add(new Bad("GET", "/v1/videos/" + id + "/content", null, null));
        }
        cases.add(new Bad("DELETE", "/v1/videos/video_00000000000000000000000000000000", null, null));
        cases.add(new Bad("DELETE", "/v1/videos/..%2F..", null, null));
        cases.add(new Bad("POST", "/v1/videos/video_00000000000000000000000000000000/cancel", null, null));
        cases.add(new Bad("GET", "/v1/videos/video_00000000000000000000000000000000/events", null, null));
        String[] queries = {"limit=abc", "limit=0", "limit=101", "limit=-5", "limit=99999999999", "order=sideways", "after=nope",
                "after=video_00000000000000000000000000000000", "after=..%2F.."};
        for (String q : queries) {
            cases.add(new Bad("GET", "/v1/videos?" + q, null, null));
        }
        cases.add(new Bad("GET", "/v1/nothing-here", null, null));
        cases.add(new Bad("PUT", "/v1/videos", "application/json", "{}".getBytes()));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] png() {
        return new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0};
    }

    private static byte[] mp4Head() {
        return new byte[]{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
    }

    /** One well-formed multipart body from name / filename-or-null / content triples. */
    private static byte[] multipart(Object... fields) {
        byte[] body = new byte[0];
        for (int i = 0; i < fields.length; i += 3) {
            body = concat(body, part((String) fields[i], (String) fields[i + 1], (byte[]) fields[i + 2]));
        }
        return concat(body, ("--" + BOUNDARY + "--\r\n").getBytes());
    }

    private static byte[] part(String name, String filename, byte[] content) {
        String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream") + "\r\n\r\n";
        return concat(concat(head.getBytes(StandardCharsets.UTF_8), content), "\r\n".getBytes());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
