package dev.strom.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The studio through real use: the gallery is there as soon as the key is typed, prompts queue up and can be
 * cancelled, and a server killed and restarted under a video in progress is found again, with the video finished
 * and no stale error on the page.
 */
class StudioReconnectTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void queuedPromptsCanBeCancelledAndThePageReconnectsAfterTheServerIsKilledAndRestarted(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        ServerProcess first = ServerProcess.start(data, null, "first", tmp.resolve("first.log"));
        ServerProcess second = null;
        try (StudioPage page = StudioPage.open(first.url("/"), tmp.resolve("profile"))) {
            // a video cancelled through the API before the page is opened: listed as soon as the key is in
            String earlier = "a white square moving down on a red background";
            String id = new ObjectMapper().readTree(first.send(http, "POST", "/v1/videos",
                    "{\"prompt\": \"" + earlier + "\", \"seconds\": 1}").body()).path("id").asText();
            assertEquals(200, first.send(http, "POST", "/v1/videos/" + id + "/cancel", null).statusCode());
            page.byId("key").sendKeys(TestServer.KEY);
            WebElement cancelledEarlier = page.card(earlier, "cancelled", 60);
            assertTrue(cancelledEarlier.getText().contains("cancelled"), cancelledEarlier.getText());
            assertFalse(cancelledEarlier.getText().contains("failed"), "a cancel is not a failure: " + cancelledEarlier.getText());

            // two prompts queued one after the other: the first runs (one worker), the second waits behind it
            String kept = "a yellow star moving up on a green background";
            String dropped = "a blue ball moving left on a white background";
            new Select(page.byId("seconds")).selectByValue("4");
            page.byId("prompt").sendKeys(kept);
            page.byId("submit").click();
            page.waitFor(60, d -> page.card(kept) != null);
            new Select(page.byId("seconds")).selectByValue("1");
            page.byId("prompt").sendKeys(dropped, Keys.chord(Keys.CONTROL, Keys.ENTER));
            page.waitFor(60, d -> page.card(dropped) != null);
            page.card(dropped).findElement(By.className("cancel")).click();
            WebElement cancelled = page.card(dropped, "cancelled", 60);
            assertTrue(cancelled.getText().contains("cancelled"), cancelled.getText());
            assertFalse(cancelled.getText().contains("failed"), "a cancel is not a failure: " + cancelled.getText());
            assertTrue(cancelled.findElements(By.className("cancel")).isEmpty(), "nothing left to cancel");

            // the server dies under the first video and comes back on the same port and data
            page.card(kept, "in_progress", 120);
            first.kill();
            page.waitFor(60, d -> page.byId("connection").getText().startsWith("Lost the connection"));
            second = ServerProcess.start(data, first.port, null, "second", tmp.resolve("second.log"));

            // JobRunr re-runs the orphaned job once the dead worker's heartbeats are overdue; then it is made again
            WebElement done = page.card(kept, "completed", 300);
            assertTrue(done.getText().contains("bits/dim"), done.getText());
            page.waitFor(60, d -> page.byId("connection").getText().isEmpty());
            assertEquals(List.of(), page.visibleErrors(), "no error is left over from the lost connection");
            assertEquals("cancelled", page.cardAttribute(dropped, "data-status", 10));
            assertEquals(List.of(), page.accessibilityViolations(), "axe-core finds nothing on the studio");
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }
}
