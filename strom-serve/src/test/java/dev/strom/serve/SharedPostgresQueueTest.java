package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Two server processes on one PostgreSQL queue: both take jobs, and each lists the other's videos. */
class SharedPostgresQueueTest {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void twoWorkersOnOnePostgresQueueBothTakeJobs(@TempDir Path tmp) throws Exception {
        Path bin = LocalPostgres.installed().orElse(null);
        assumeTrue(bin != null, "needs Debian's postgresql (.ci/run installs it)");
        Path data = tmp.resolve("shared-data");
        try (LocalPostgres pg = LocalPostgres.start(bin);
             ServerProcess a = ServerProcess.start(data, pg.jdbcUrl(), "worker-a", tmp.resolve("a.log"));
             ServerProcess b = ServerProcess.start(data, pg.jdbcUrl(), "worker-b", tmp.resolve("b.log"))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                JsonNode v = json.readTree(a.send(http, "POST", "/v1/videos", "{\"prompt\": \"a blue ball moving right on a white background\", \"seed\": " + i + "}").body());
                ids.add(v.path("id").asText());
            }
            Set<String> workers = new HashSet<>();
            for (String id : ids) {
                JsonNode v = waitUntilDone(b, id);
                assertEquals("completed", v.path("status").asText(), v::toString);
                workers.add(v.path("strom").path("worker").asText());
            }
            System.out.println("4 videos on one PostgreSQL queue were made by " + workers);
            assertEquals(Set.of("worker-a", "worker-b"), workers, "both workers took jobs");
        }
    }

    private JsonNode waitUntilDone(ServerProcess server, String id) throws Exception {
        long end = System.nanoTime() + 240_000_000_000L;
        JsonNode v = json.readTree(server.send(http, "GET", "/v1/videos/" + id, null).body());
        while (v.path("status").asText().matches("queued|in_progress") && System.nanoTime() < end) {
            Thread.sleep(500);
            v = json.readTree(server.send(http, "GET", "/v1/videos/" + id, null).body());
        }
        return v;
    }
}
