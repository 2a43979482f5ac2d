package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The studio in Debian's chromium (headless): type a prompt, watch it being made, play the video, make more from
 * its card, delete with a confirm step; errors sit next to their field; the key stays in the tab unless remembered.
 */
class StudioBrowserTest {

    @Test
    void aPromptBecomesAVideoThatPlaysAndGrowsMoreVideosFromItsCard(@TempDir Path profile) throws Exception {
        try (StudioPage page = StudioPage.open(TestServer.baseUrl() + "/", profile)) {
            assertEquals("Strom studio", page.browser.getTitle());
            page.byId("key").sendKeys(TestServer.KEY);
            // every draft frame the page is sent lands in a card; counted as it comes, since the card makes way for
            // the finished video's thumbnail
            page.js.executeScript("window.draftsSeen = 0; new MutationObserver(ms => ms.forEach(m => {"
                    + "  if (m.target.tagName === 'IMG' && m.target.closest('.frames')) window.draftsSeen++; }))"
                    + ".observe(document.getElementById('gallery'), { subtree: true, attributes: true, attributeFilter: ['src'] });");

            String prompt = "a green star moving right on a black background";
            page.byId("seed").sendKeys("11");
            new Select(page.byId("seconds")).selectByValue("1");
            page.byId("prompt").sendKeys(prompt, Keys.chord(Keys.CONTROL, Keys.ENTER));

            WebElement card = page.card(prompt, "completed", 150);
            assertTrue(((Number) page.js.executeScript("return window.draftsSeen;")).longValue() >= 8,
                    "the 8 frames were shown as drafts while they were made");
            assertEquals("", page.byId("prompt").getAttribute("value"), "the prompt box is free for the next prompt");
            assertTrue(card.getText().contains("bits/dim"));
            WebElement thumbnail = page.waitFor(60, d -> {
                WebElement img = page.card(prompt).findElement(By.cssSelector(".play img"));
                return ((Number) page.js.executeScript("return arguments[0].naturalWidth;", img)).longValue() > 0 ? img : null;
            });
            assertNotNull(thumbnail, "the thumbnail, fetched with the key, is shown");
            assertTrue(page.browser.findElements(By.cssSelector("#gallery video")).isEmpty(), "no MP4 is loaded before it is played");

            page.card(prompt).findElement(By.className("play")).click();
            WebElement video = page.waitFor(60, d -> page.card(prompt).findElements(By.tagName("video")).stream().findFirst().orElse(null));
            page.js.executeScript("arguments[0].play();", video);
            page.waitFor(60, d -> ((Number) page.js.executeScript("return arguments[0].currentTime;", video)).doubleValue() > 0.3);
            long readyState = ((Number) page.js.executeScript("return arguments[0].readyState;", video)).longValue();
            assertTrue(readyState >= 2, "the browser has decoded frames (readyState " + readyState + ")");
            assertTrue(((Number) page.js.executeScript("return arguments[0].videoWidth;", video)).longValue() > 0);

            page.card(prompt).findElement(By.className("reuse")).click();
            assertEquals(prompt, page.byId("prompt").getAttribute("value"), "reuse settings puts the prompt back");
            assertEquals("11", page.byId("seed").getAttribute("value"), "and the seed");
            assertEquals("1", page.byId("seconds").getAttribute("value"), "and the length");
            page.byId("prompt").clear();

            // remix, extend and edit each have their own prompt box on the card
            String remixed = "a green star moving right on a blue background";
            page.card(prompt).findElement(By.className("open-remix")).click();
            WebElement remixBox = page.card(prompt).findElement(By.cssSelector("form.remix textarea"));
            assertEquals(remixBox, page.browser.switchTo().activeElement(), "the remix box has the focus once opened");
            remixBox.sendKeys(remixed, Keys.chord(Keys.CONTROL, Keys.ENTER));
            page.card(remixed, "completed", 150);
            assertTrue((Boolean) page.js.executeScript("return arguments[0].isConnected && !arguments[0].paused;", video),
                    "the gallery kept the first video's card, still playing, when the remix arrived");

            String extended = "the green star keeps moving right";
            page.card(prompt).findElement(By.className("open-extend")).click();
            page.card(prompt).findElement(By.cssSelector("form.extend textarea")).sendKeys(extended);
            new Select(page.card(prompt).findElement(By.cssSelector("form.extend select"))).selectByValue("1");
            page.card(prompt).findElement(By.cssSelector("form.extend button[type=submit]")).click();
            String edited = "the star turns red";
            page.card(prompt).findElement(By.className("open-edit")).click();
            page.card(prompt).findElement(By.cssSelector("form.edit textarea")).sendKeys(edited, Keys.chord(Keys.CONTROL, Keys.ENTER));
            assertTrue(page.card(extended, "completed", 240).getText().contains("2 s"), "the extension is the 1 s source and 1 s more");
            page.card(edited, "completed", 240);

            // delete asks first, in the card
            page.card(remixed).findElement(By.className("delete-ask")).click();
            page.card(remixed).findElement(By.className("delete-no")).click();
            assertNotNull(page.card(remixed), "No keeps the video");
            page.card(remixed).findElement(By.className("delete-ask")).click();
            page.card(remixed).findElement(By.className("delete-yes")).click();
            page.waitFor(60, d -> page.card(remixed) == null);

            assertEquals(java.util.List.of(), page.visibleErrors());
            page.card(prompt).findElement(By.className("open-extend")).click();
            assertEquals(java.util.List.of(), page.accessibilityViolations(), "axe-core finds nothing on the studio with its gallery");
        }
    }

    @Test
    void aVideoThatFinishedWhileThePageWasCutOffShowsAsFinishedOnceItIsBack(@TempDir Path profile) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (DroppingProxy network = new DroppingProxy(TestServer.shared().port());
             StudioPage page = StudioPage.open("http://localhost:" + network.port() + "/", profile)) {
            page.byId("key").sendKeys(TestServer.KEY);
            // a long video ahead in the queue (one worker) keeps the page's own waiting until the page is cut off
            String ahead = call(http, "POST", "/v1/videos", "{\"prompt\": \"a white ball moving down\", \"seconds\": 8}")
                    .path("id").asText();
            String prompt = "a red square moving up on a yellow background";
            new Select(page.byId("seconds")).selectByValue("1");
            page.byId("prompt").sendKeys(prompt, Keys.chord(Keys.CONTROL, Keys.ENTER));
            String id = page.cardAttribute(prompt, "data-id", 60);

            network.drop();
            page.waitFor(60, d -> page.byId("connection").getText().startsWith("Lost the connection"));
            call(http, "POST", "/v1/videos/" + ahead + "/cancel", null);
            long end = System.nanoTime() + 150_000_000_000L;
            while (!call(http, "GET", "/v1/videos/" + id, null).path("status").asText().equals("completed") && System.nanoTime() < end) {
                Thread.sleep(500);
            }
            // the card may be between two renderings of the gallery for a moment
            assertEquals("queued", page.cardAttribute(prompt, "data-status", 10),
                    "cut off, the page has not seen it run");

            network.restore();
            page.card(prompt, "completed", 60);
            page.waitFor(60, d -> page.byId("connection").getText().isEmpty());
            assertEquals(java.util.List.of(), page.visibleErrors(), "no error is left over from the lost connection");
        }
    }

    @Test
    void aVideoAskedForTheMomentTheKeyIsTypedKeepsItsCardWhenTheServerThenGoesOutOfReach(@TempDir Path profile) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (DroppingProxy network = new DroppingProxy(TestServer.shared().port());
             StudioPage page = StudioPage.open("http://localhost:" + network.port() + "/", profile)) {
            String prompt = "a blue circle moving left on a white background";
            // the key typed and the prompt sent in one script, and the card awaited there too: all well inside the
            // moment the page waits after the last keystroke (unless the server takes longer than that to answer)
            String id = (String) page.js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "const key = document.getElementById('key');"
                    + "key.value = arguments[0]; key.dispatchEvent(new Event('input', { bubbles: true }));"
                    + "document.getElementById('seconds').value = '1';"
                    + "document.getElementById('prompt').value = arguments[1];"
                    + "document.getElementById('make').requestSubmit();"
                    + "const poll = setInterval(() => { const li = [...document.querySelectorAll('#gallery li')]"
                    + "  .find((li) => li.querySelector('.prompt')?.textContent.trim() === arguments[1]);"
                    + "  if (li) { clearInterval(poll); done(li.dataset.id); } }, 5);", TestServer.KEY, prompt);
            network.drop();
            Thread.sleep(1500);
            assertEquals(id, page.cardAttribute(prompt, "data-id", 5),
                    "the gallery shown for the new key still holds the video asked for with it");
            call(http, "POST", "/v1/videos/" + id + "/cancel", null);
        }
    }

    private static JsonNode call(HttpClient http, String method, String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(TestServer.baseUrl() + path))
                .header("Authorization", "Bearer " + TestServer.KEY).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build();
        return new ObjectMapper().readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void examplePromptsComeFromTheModelAndUnknownWordsAreNamedInABanner(@TempDir Path profile) throws Exception {
        try (StudioPage page = StudioPage.open(TestServer.baseUrl() + "/", profile)) {
            page.byId("key").sendKeys(TestServer.KEY);
            WebElement example = page.waitFor(60, d -> page.byId("examples").findElements(By.tagName("button")).stream()
                    .filter(WebElement::isDisplayed).findFirst().orElse(null));
            assertTrue(page.byId("can-draw").getText().contains("red apple"), page.byId("can-draw").getText());
            example.click();
            assertEquals(example.getText(), page.byId("prompt").getAttribute("value"), "an example fills the prompt box");

            page.byId("prompt").clear();
            new Select(page.byId("seconds")).selectByValue("1");
            page.byId("prompt").sendKeys("a cat walking on a beach", Keys.chord(Keys.CONTROL, Keys.ENTER));
            WebElement banner = page.waitFor(60, d -> page.byId("prompt-words").isDisplayed() ? page.byId("prompt-words") : null);
            assertTrue(banner.getText().contains("never saw the words cat, walking, beach"), banner.getText());
            assertEquals(java.util.List.of(), page.accessibilityViolations(), "axe-core finds nothing with the banner on show");

            page.byId("strict").click();
            page.byId("prompt").sendKeys("a dog on a beach", Keys.chord(Keys.CONTROL, Keys.ENTER));
            WebElement refused = page.waitFor(60, d -> page.byId("prompt-error").isDisplayed() ? page.byId("prompt-error") : null);
            assertTrue(refused.getText().contains("dog"), "refused next to the prompt: " + refused.getText());
        }
    }

    @Test
    void errorsSitNextToTheFieldThatCausedThemInPlainWords(@TempDir Path profile) throws Exception {
        try (StudioPage page = StudioPage.open(TestServer.baseUrl() + "/", profile)) {
            page.byId("key").sendKeys("not-the-key");
            page.waitFor(60, d -> page.byId("key-error").isDisplayed());
            assertEquals("The server did not accept this API key.", page.byId("key-error").getText());
            assertEquals("true", page.byId("key").getAttribute("aria-invalid"));

            page.byId("key").clear();
            page.byId("key").sendKeys(TestServer.KEY);
            page.waitFor(60, d -> !page.byId("key-error").isDisplayed());

            page.byId("submit").click();
            assertTrue(page.byId("prompt-error").getText().contains("Write a prompt first"));
            assertEquals("true", page.byId("prompt").getAttribute("aria-invalid"));

            // refused by the server (a seed below 0): the API's error names the field, and the page puts it there
            page.byId("prompt").sendKeys("a blue ball");
            assertFalse(page.byId("prompt-error").isDisplayed(), "typing in the field clears its error");
            page.byId("seed").sendKeys("-1");
            page.byId("submit").click();
            page.waitFor(60, d -> page.byId("seed-error").isDisplayed());
            assertTrue(page.byId("seed-error").getText().contains("seed"), page.byId("seed-error").getText());
            assertEquals("true", page.byId("seed").getAttribute("aria-invalid"));
            assertFalse(page.byId("make-error").isDisplayed());
            assertEquals(java.util.List.of(), page.accessibilityViolations(), "axe-core finds nothing with errors on show");
        }
    }

    @Test
    void theKeyStaysInTheTabUnlessRememberedAndForgetClearsIt(@TempDir Path profile) throws Exception {
        try (StudioPage page = StudioPage.open(TestServer.baseUrl() + "/", profile)) {
            page.byId("key").sendKeys(TestServer.KEY);
            page.waitFor(30, d -> TestServer.KEY.equals(page.js.executeScript("return sessionStorage.getItem('strom-key');")));
            assertNull(page.js.executeScript("return localStorage.getItem('strom-key');"), "not kept beyond the tab");

            page.byId("remember").click();
            assertEquals(TestServer.KEY, page.js.executeScript("return localStorage.getItem('strom-key');"));
            assertNull(page.js.executeScript("return sessionStorage.getItem('strom-key');"));
            page.browser.navigate().refresh();
            assertEquals(TestServer.KEY, page.byId("key").getAttribute("value"), "a remembered key is there on the next visit");
            assertTrue(page.byId("remember").isSelected());

            page.byId("forget").click();
            assertEquals("", page.byId("key").getAttribute("value"));
            assertNull(page.js.executeScript("return localStorage.getItem('strom-key') || sessionStorage.getItem('strom-key');"));
            assertTrue(page.browser.findElements(By.cssSelector("#gallery li")).isEmpty(), "the gallery goes with the key");
        }
    }
}
