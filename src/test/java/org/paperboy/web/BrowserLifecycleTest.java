package org.paperboy.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.paperboy.delivery.ProgressListener;
import org.paperboy.delivery.SendMode;
import org.paperboy.subscriptions.Frequency;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.SamplePapers;

/**
 * The whole lifecycle in Debian's chromium: subscribe through the form, confirm from the email
 * GreenMail received, choose preferences, receive a digest that honours them, unsubscribe with
 * the button. Screenshots of every page go to {@code target/screenshots/}.
 */
@Tag("browser")
class BrowserLifecycleTest {

    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String CHROMIUM = "/usr/bin/chromium";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    WebHarness web;
    WebDriver browser;

    @BeforeEach
    void start() throws IOException {
        assertThat(new File(CHROMEDRIVER)).as("install chromium and chromium-driver: apt-get install -y chromium "
                + "chromium-driver").exists();
        web = WebHarness.start(dir, greenMail);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-gpu",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")).toAbsolutePath());
        browser = new ChromeDriver(service, options);
        // a phone-sized window: the pages must read well there
        browser.manage().window().setSize(new Dimension(412, 915));
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (web != null) {
            web.close();
        }
    }

    @Test
    void subscribeConfirmTunePreferencesReceiveAndUnsubscribeInARealBrowser() throws Exception {
        browser.get(web.base + "/");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        assertThat(browser.findElement(By.cssSelector("label[for=email]")).getText()).isEqualTo("Email address");
        assertThat(browser.findElement(By.id("website")).isDisplayed()).as("honeypot hidden").isFalse();
        screenshot("01-subscribe");

        browser.findElement(By.id("email")).sendKeys("ada@example.org");
        browser.findElement(By.id("topics")).sendKeys("robotics, vision");
        browser.findElement(By.id("subscribe")).click();
        awaitHeading("Check your inbox");
        screenshot("02-check-inbox");

        MimeMessage confirmation = web.awaitMail("ada@example.org", 1);
        browser.get(WebHarness.link(confirmation, "confirm"));
        awaitHeading("You are subscribed");
        assertThat(web.subscriber("ada@example.org").status()).isEqualTo(SubscriberStatus.ACTIVE);
        screenshot("03-confirmed");

        browser.findElement(By.id("preferences-link")).click();
        awaitHeading("Your preferences");
        assertThat(browser.findElement(By.id("topics")).getAttribute("value")).isEqualTo("robotics, vision");
        screenshot("04-preferences");
        new Select(browser.findElement(By.id("digest_size"))).selectByValue("5");
        browser.findElement(By.id("frequency-weekly")).click();
        // the test clock's day, a Thursday: the weekly digest is due today
        new Select(browser.findElement(By.id("weekly_day"))).selectByVisibleText("Thursday");
        browser.findElement(By.id("save")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("saved")));
        assertThat(browser.findElement(By.id("saved")).getText()).contains("Your preferences are saved");
        assertThat(browser.findElement(By.id("saved-size")).getText()).isEqualTo("5");
        assertThat(browser.findElement(By.id("saved-frequency")).getText()).isEqualTo("weekly, on Thursdays");
        screenshot("05-preferences-saved");
        assertThat(web.subscriber("ada@example.org").preferences().frequency()).isEqualTo(Frequency.WEEKLY);

        web.paperboy.sender().send(LocalDate.parse("2026-11-26"), SendMode.MANUAL, ProgressListener.NONE);
        MimeMessage digest = web.awaitMail("ada@example.org", 2);
        String text = WebHarness.text(digest);
        assertThat(text).contains("\n5. ").doesNotContain("\n6. ");
        assertThat(web.count("select count(*) from deliveries where selection = 'weekly' and digest_size = 5"))
                .isEqualTo(1);
        Path html = dir.resolve("digest.html");
        Files.writeString(html, WebHarness.html(digest));
        browser.get(html.toUri().toString());
        screenshot("06-digest-received");

        browser.get(web.base + "/editions/2026-11-26");
        screenshot("07-edition-web-view");

        String unsubscribe = WebHarness.link(digest, "unsubscribe");
        browser.get(unsubscribe);
        awaitHeading("Unsubscribe");
        assertThat(web.subscriber("ada@example.org").status()).as("GET changes nothing").isEqualTo(SubscriberStatus.ACTIVE);
        screenshot("08-unsubscribe");
        browser.findElement(By.id("unsubscribe")).click();
        awaitHeading("You are unsubscribed");
        assertThat(web.subscriber("ada@example.org").status()).isEqualTo(SubscriberStatus.UNSUBSCRIBED);
        screenshot("09-unsubscribed");

        browser.get(unsubscribe.replace("token=", "token=x"));
        awaitHeading("This link is not valid");
        screenshot("10-bad-link");
    }

    @Test
    void preferencesPageShowsWhichCurrentPapersTheTopicsWouldPickBeforeSaving() throws Exception {
        Instant featured = WebHarness.START.minus(Duration.ofHours(1));
        web.paperboy.papers().upsert(List.of(
                SamplePapers.paper("2611.90001", "Dexterous robot manipulation from human videos", 3, 0, 40, featured),
                SamplePapers.paper("2611.90002", "Diffusion models for protein design", 2, 0, 41, featured)));
        long id = web.add("ada@example.org", SubscriberStatus.ACTIVE).id();
        browser.get(web.paperboy.links().preferencesUrl(id));
        awaitHeading("Your preferences");
        assertThat(browser.findElements(By.id("topic-preview"))).as("no topics, no preview").isEmpty();

        browser.findElement(By.id("topics")).sendKeys("robots, protein diffusion");
        browser.findElement(By.id("preview-topics")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("topic-picks")));

        assertThat(browser.findElements(By.cssSelector("#topic-picks .pick-title")).stream().map(e -> e.getText()))
                .containsExactlyInAnyOrder("Dexterous robot manipulation from human videos",
                        "Diffusion models for protein design");
        assertThat(browser.findElement(By.id("topic-picks")).getText())
                .contains("matches robots · 3 upvotes", "matches protein diffusion · 2 upvotes");
        assertThat(browser.findElement(By.id("topics")).getAttribute("value")).isEqualTo("robots, protein diffusion");
        assertThat(web.subscriber("ada@example.org").preferences().topics()).as("a preview saves nothing").isEmpty();
        screenshot("11-topic-preview");

        browser.findElement(By.id("topics")).clear();
        browser.findElement(By.id("topics")).sendKeys("quantum chromodynamics");
        browser.findElement(By.id("preview-topics")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(By.id("topic-preview-none")));
        assertThat(browser.findElement(By.id("topic-preview-none")).getText()).contains("general list");

        browser.findElement(By.id("topics")).clear();
        browser.findElement(By.id("topics")).sendKeys("robots");
        browser.findElement(By.id("save")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("saved")));
        assertThat(web.subscriber("ada@example.org").preferences().topics()).containsExactly("robots");
        assertThat(browser.findElements(By.cssSelector("#topic-picks .pick-title")).stream().map(e -> e.getText()))
                .containsExactly("Dexterous robot manipulation from human videos");
    }

    /** Waits for the page a click or link leads to: clicks return before the next page has loaded. */
    private void awaitHeading(String text) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.tagName("h1"), text));
    }

    private void screenshot(String name) throws IOException {
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
