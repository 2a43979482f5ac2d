package dev.strom.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The studio open in Debian's headless chromium, for the browser tests: waits that outlast a loaded 2-core machine,
 * the gallery's cards by prompt, and axe-core's accessibility check on the page as it stands.
 */
final class StudioPage implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** axe-core at the version locked in src/test/node/package-lock.json (.ci/run installs it with npm ci). */
    private static final Path NODE = Path.of("src", "test", "node").toAbsolutePath();
    private static final Path AXE = NODE.resolve("node_modules").resolve("axe-core").resolve("axe.min.js");

    final WebDriver browser;
    final JavascriptExecutor js;
    private final ChromeDriverService service;

    private StudioPage(WebDriver browser, ChromeDriverService service) {
        this.browser = browser;
        this.js = (JavascriptExecutor) browser;
        this.service = service;
    }

    static StudioPage open(String url, Path profile) {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER), "needs chromium and chromium-driver (.ci/run installs them)");
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
        StudioPage page = new StudioPage(browser, service);
        browser.get(url);
        return page;
    }

    /** Waits up to {@code seconds} (generous: videos are made on a shared 2-core machine) for a non-null, non-false value. */
    <T> T waitFor(int seconds, Function<WebDriver, T> condition) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds));
        // cards are replaced when their video changes status; the next poll reads the new one
        wait.ignoring(StaleElementReferenceException.class);
        return wait.until(condition);
    }

    WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    /**
     * The script expression for the gallery card whose prompt is arguments[0] (undefined if none): one script, not a
     * round trip per card, since with many cards the page re-renders some between round trips.
     */
    private static final String FIND_CARD = "[...document.querySelectorAll('#gallery li')]"
            + ".find((li) => li.querySelector('.prompt')?.textContent.trim() === arguments[0])";

    /** The gallery card whose prompt is {@code prompt}, or null. */
    WebElement card(String prompt) {
        return (WebElement) js.executeScript("return " + FIND_CARD + " ?? null;", prompt);
    }

    /**
     * An attribute of the card of {@code prompt}, read once the card is there. Finding and reading happen in one
     * script, so a card re-rendered between the two cannot be read stale.
     */
    String cardAttribute(String prompt, String attribute, int seconds) {
        try {
            return waitFor(seconds, d -> (String) js.executeScript("const li = " + FIND_CARD + ";"
                    + "return li ? li.getAttribute(arguments[1]) : null;", prompt, attribute));
        } catch (org.openqa.selenium.TimeoutException e) {
            // what the page showed instead, for whoever reads the failure
            throw new AssertionError("no card for '" + prompt + "' with " + attribute + " in " + seconds + " s; the gallery: "
                    + js.executeScript("return document.getElementById('gallery').outerHTML;")
                    + "; connection: " + byId("connection").getText(), e);
        }
    }

    /** Waits for the card of {@code prompt} to show {@code status} (queued, in_progress, completed, failed, cancelled). */
    WebElement card(String prompt, String status, int seconds) {
        return waitFor(seconds, d -> {
            WebElement li = card(prompt);
            return li != null && status.equals(li.getAttribute("data-status")) ? li : null;
        });
    }

    /** The error messages on show anywhere in the page. */
    List<String> visibleErrors() {
        return browser.findElements(By.cssSelector(".error")).stream().filter(WebElement::isDisplayed)
                .map(WebElement::getText).filter(t -> !t.isBlank()).toList();
    }

    /** axe-core's violations on the page as it stands: rule id, impact and the elements, one line each. */
    List<String> accessibilityViolations() throws IOException, InterruptedException {
        if (!Files.isRegularFile(AXE)) {
            installAxe();
        }
        js.executeScript(Files.readString(AXE, StandardCharsets.UTF_8));
        Object out = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, { resultTypes: ['violations'] })"
                + ".then(r => done(JSON.stringify(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,"
                + "   nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary) })))))"
                + ".catch(e => done('axe failed: ' + e));");
        String text = String.valueOf(out);
        if (!text.startsWith("[")) {
            fail(text);
        }
        JsonNode violations = new ObjectMapper().readTree(text);
        return java.util.stream.StreamSupport.stream(violations.spliterator(), false)
                .map(v -> v.path("id").asText() + " (" + v.path("impact").asText() + "): " + v.path("help").asText()
                        + " at " + v.path("nodes"))
                .toList();
    }

    /** Missing axe-core fails the test (it is part of what the studio is checked for), after one try to install it. */
    private static void installAxe() throws IOException, InterruptedException {
        String why;
        try {
            Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(NODE.toFile())
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            boolean done = p.waitFor(180, TimeUnit.SECONDS);
            why = done && p.exitValue() == 0 ? null : new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            why = e.getMessage();
        }
        if (!Files.isRegularFile(AXE)) {
            fail("axe-core is missing and could not be installed; run (cd strom-serve/src/test/node && npm ci), "
                    + "as .ci/run does: " + why);
        }
    }

    @Override
    public void close() {
        try {
            browser.quit();
        } finally {
            service.stop();
        }
    }
}
