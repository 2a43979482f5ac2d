package dev.strom.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The studio in Debian's chromium (headless): type a prompt, watch it being made, play the video, remix it. */
class StudioBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void aPromptBecomesAVideoThatPlaysInTheBrowser(@TempDir Path profile) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER), "needs chromium and chromium-driver (.ci/run installs them)");
        String base = TestServer.baseUrl();
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(base + "/");
            assertEquals("Strom studio", browser.getTitle());
            String prompt = "a green star moving right on a black background";
            browser.findElement(By.id("key")).sendKeys(TestServer.KEY);
            browser.findElement(By.id("prompt")).sendKeys(prompt);
            browser.findElement(By.id("seed")).sendKeys("11");
            browser.findElement(By.id("submit")).click();

            // a card made while the wait reads the gallery may be replaced under it; the next poll reads it anew
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(150));
            wait.ignoring(StaleElementReferenceException.class);
            wait.until(d -> d.findElements(By.cssSelector("#frames img")).size() == 16);
            String card = "#gallery li[data-status='completed']";
            WebElement video = wait.until(d -> d.findElements(By.cssSelector(card)).stream()
                    .filter(li -> li.getText().startsWith(prompt)).findFirst()
                    .map(li -> li.findElement(By.tagName("video"))).orElse(null));
            JavascriptExecutor js = (JavascriptExecutor) browser;
            js.executeScript("arguments[0].play();", video);
            wait.until(d -> ((Number) js.executeScript("return arguments[0].currentTime;", video)).doubleValue() > 0.3);
            long readyState = ((Number) js.executeScript("return arguments[0].readyState;", video)).longValue();
            assertTrue(readyState >= 2, "the browser has decoded frames (readyState " + readyState + ")");
            assertTrue(((Number) js.executeScript("return arguments[0].videoWidth;", video)).longValue() > 0);
            assertTrue(browser.findElement(By.id("status")).getText().startsWith("completed"));
            assertTrue(browser.findElement(By.cssSelector(card)).getText().contains("bits/dim"));

            String remixed = "a green star moving right on a blue background";
            browser.findElement(By.id("prompt")).clear();
            browser.findElement(By.id("prompt")).sendKeys(remixed);
            browser.findElement(By.cssSelector(card + " button[aria-label='remix with the prompt above: " + prompt + "']")).click();
            wait.until(d -> d.findElements(By.cssSelector(card)).stream().anyMatch(li -> li.getText().startsWith(remixed)));
            assertTrue(browser.findElement(By.id("status")).getText().startsWith("completed"));
            assertTrue((Boolean) js.executeScript("return arguments[0].isConnected && !arguments[0].paused;", video),
                    "the gallery kept the first video's card, still playing, when the remix arrived");
        } finally {
            browser.quit();
            service.stop();
        }
    }
}
