package org.paperboy.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.papers.Paper;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.SamplePapers;
import org.paperboy.testing.TestSettings;

/** Each reader's own digest through the real send: topics, nothing twice, nothing empty. */
class ReaderSelectionsTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    static final LocalDate DAY_ONE = LocalDate.parse("2026-11-26");
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
    Paperboy paperboy;

    private void open(String... settings) {
        TestSettings test = TestSettings.in(dir).smtpPort(greenMail.getSmtp().getPort());
        for (int i = 0; i < settings.length; i += 2) {
            test.with(settings[i], settings[i + 1]);
        }
        paperboy = Paperboy.open(test.build(), clock);
    }

    @AfterEach
    void close() {
        if (paperboy != null) {
            paperboy.close();
        }
    }

    private Subscriber subscribe(String email, String... topics) {
        Subscriber s = paperboy.subscribers().addIfAbsent(EmailAddress.parse(email), SubscriberStatus.ACTIVE,
                Subscriber.Consent.byOperator(clock.instant(), "test")).orElseThrow();
        if (topics.length > 0) {
            paperboy.subscribers().updatePreferences(s.id(), new Preferences(null, org.paperboy.subscriptions.Frequency.DAILY, null, null, List.of(topics)));
        }
        return s;
    }

    private SendReport sendDay(int day) {
        clock.set(Instant.parse("2026-11-26T07:00:00Z").plus(Duration.ofDays(day)));
        return paperboy.sender().send(DAY_ONE.plusDays(day), SendMode.MANUAL, ProgressListener.NONE);
    }

    private static final Pattern NUMBERED = Pattern.compile("(?m)^\\s*\\d+\\. (.+)$");

    /** The titles in each message to {@code email}, in the order received. */
    private static List<List<String>> titlesTo(String email) throws Exception {
        List<List<String>> digests = new ArrayList<>();
        for (MimeMessage m : greenMail.getReceivedMessages()) {
            if (EditionSenderTest.recipient(m).equals(email)) {
                String text = (String) ((MimeMultipart) m.getContent()).getBodyPart(0).getContent();
                List<String> titles = new ArrayList<>();
                Matcher matcher = NUMBERED.matcher(text);
                while (matcher.find()) {
                    titles.add(matcher.group(1).strip());
                }
                digests.add(titles);
            }
        }
        return digests;
    }

    @Test
    void nothingIsSentTwiceAcrossThreeDailyEditionsAndThenNothingEmptyGoesOut() throws Exception {
        open();
        // thirty papers, all trending for the whole week
        paperboy.papers().upsert(SamplePapers.ranked(32, clock.instant()));
        subscribe("ada@example.org");

        for (int day = 0; day < 3; day++) {
            assertThat(sendDay(day).sentNow()).as("day %d", day).isEqualTo(1);
        }

        List<List<String>> digests = titlesTo("ada@example.org");
        assertThat(digests).hasSize(3);
        assertThat(digests.get(0)).hasSize(10).startsWith("Paper number 1").endsWith("Paper number 10");
        assertThat(digests.get(1)).hasSize(10).startsWith("Paper number 11").endsWith("Paper number 20");
        assertThat(digests.get(2)).hasSize(10).startsWith("Paper number 21").endsWith("Paper number 30");
        Set<String> all = new HashSet<>();
        digests.forEach(all::addAll);
        assertThat(all).as("no paper twice").hasSize(30);

        // day four: two new papers are left, fewer than PAPERBOY_MIN_PAPERS (3): no message
        SendReport fourth = sendDay(3);

        assertThat(fourth.sentNow()).isZero();
        assertThat(fourth.choosing().nothingNew()).isEqualTo(1);
        assertThat(titlesTo("ada@example.org")).hasSize(3);
        Edition edition = paperboy.editions().find(DAY_ONE.plusDays(3)).orElseThrow();
        assertThat(edition.status()).isEqualTo(Edition.Status.SENT);
        assertThat(paperboy.ledger().progress(edition).get(DeliveryLedger.State.SKIPPED)).isEqualTo(1);
        assertThat(paperboy.selections().skipReasons(edition.id())).isEqualTo(Map.of("nothing new", 1));
        // sending again changes nothing
        assertThat(sendDay(3).sentNow()).isZero();
        assertThat(greenMail.getReceivedMessages()).hasSize(3);
    }

    @Test
    void papersMayComeAgainAfterTheRepeatWindow() throws Exception {
        open("REPEAT_AFTER_DAYS", "2");
        paperboy.papers().upsert(SamplePapers.ranked(20, clock.instant()));
        subscribe("ada@example.org");

        sendDay(0);
        sendDay(1);
        sendDay(2);

        List<List<String>> digests = titlesTo("ada@example.org");
        assertThat(digests.get(1)).startsWith("Paper number 11");
        // two days after the first edition its papers may come again; the second edition's may not
        assertThat(digests.get(2)).startsWith("Paper number 1").doesNotContain("Paper number 11");
    }

    /** Twelve trending papers and one about robots, listed an hour ago. */
    private List<Paper> withARobotPaper() {
        Instant featured = clock.instant().minus(Duration.ofHours(1));
        List<Paper> papers = new ArrayList<>(SamplePapers.ranked(12, clock.instant()));
        papers.add(SamplePapers.paper("2611.90001", "Dexterous robot manipulation from human videos", 3, 0, 40, featured));
        return papers;
    }

    @Test
    void whileTheChosenReadersRowsAreBeingWrittenNobodyIsGivenTheGeneralList() throws Exception {
        open();
        paperboy.papers().upsert(withARobotPaper());
        Subscriber ada = subscribe("ada@example.org", "robots");
        Subscriber grace = subscribe("grace@example.org");
        Edition edition = paperboy.sender().edition(DAY_ONE);
        ReaderSelections.Chosen chosen = paperboy.readerSelections().chooseAll(edition, DueZones.EVERYONE,
                paperboy.composer().rankings(edition), 10, "@test");
        assertThat(chosen.rows()).extracting(ReaderSelections.ChosenRow::subscriberId).containsExactly(ada.id());

        // Ada's row is not written yet: a claim makes no row for anyone, Ada would look like a reader of the general list
        boolean[] written = {false};
        ClaimRound round = paperboy.ledger().round(edition, "sender-a", 10, "@test", true, clock.instant(),
                DueZones.EVERYONE, () -> written[0]);
        assertThat(round.claim(100)).isEmpty();

        ChosenRowsWriter writer = new ChosenRowsWriter(paperboy.readerSelections(), edition, chosen.rows(), "@test");
        writer.start();
        for (int i = 0; i < 100 && !writer.allWritten() && writer.failure() == null; i++) {
            writer.awaitMore(100);
        }
        writer.stop();
        written[0] = writer.allWritten();
        assertThat(written[0]).isTrue();
        List<DeliveryLedger.Claim> claims = round.claim(100);

        // Ada's own row first, with her selection; then Grace's, made by the claim, without one
        assertThat(claims).extracting(DeliveryLedger.Claim::subscriberId).containsExactly(ada.id(), grace.id());
        assertThat(claims.get(0).selectionId()).isPositive();
        assertThat(claims.get(1).selectionId()).isZero();
    }

    @Test
    void theRunCountsEveryReaderDueThoseWithTheirOwnListAndThoseLeftToTheGeneralList() throws Exception {
        open();
        paperboy.papers().upsert(withARobotPaper());
        subscribe("ada@example.org", "robots");
        subscribe("grace@example.org");
        Subscriber alan = subscribe("alan@example.org");
        paperboy.subscribers().updatePreferences(alan.id(),
                new Preferences(5, org.paperboy.subscriptions.Frequency.DAILY, null, null, List.of()));
        Edition edition = paperboy.sender().edition(DAY_ONE);

        ReaderSelections.Chosen chosen = paperboy.readerSelections().chooseAll(edition, DueZones.EVERYONE,
                paperboy.composer().rankings(edition), 10, "@test");

        // Ada's row is among the chosen; Grace's and Alan's are made as a sender claims them, from the general list
        assertThat(chosen.rows()).hasSize(1);
        assertThat(chosen.dueWithoutRow().notQueued()).isEqualTo(3);
        assertThat(chosen.dueWithoutRow().variants()).containsExactlyInAnyOrder(
                new DeliveryLedger.Variant(Edition.Selection.DAILY, 10), new DeliveryLedger.Variant(Edition.Selection.DAILY, 5));

        // the run's progress counts all three from its first report on
        List<Integer> totals = new ArrayList<>();
        SendReport report = paperboy.sender().send(DAY_ONE, SendMode.MANUAL, (done, total, rate) -> totals.add(total));
        assertThat(report.sentNow()).isEqualTo(3);
        assertThat(totals).isNotEmpty().containsOnly(3);
    }

    @Test
    void aRunThatStopsBeforeAReadersRowIsWrittenLeavesThemForTheNextWhichChoosesTheSamePapers() throws Exception {
        open();
        paperboy.papers().upsert(withARobotPaper());
        Subscriber ada = subscribe("ada@example.org", "robots");
        Edition edition = paperboy.sender().edition(DAY_ONE);
        // chosen, and the run stopped before the writer began: no row for Ada, nothing sent
        ReaderSelections.Chosen first = paperboy.readerSelections().chooseAll(edition, DueZones.EVERYONE,
                paperboy.composer().rankings(edition), 10, "@test");
        ChosenRowsWriter stopped = new ChosenRowsWriter(paperboy.readerSelections(), edition, first.rows(), "@test");
        stopped.stop();
        assertThat(stopped.allWritten()).isFalse();
        assertThat(paperboy.ledger().rowCounts(edition.id()).values().stream().mapToInt(Integer::intValue).sum()).isZero();

        SendReport next = sendDay(0);

        assertThat(next.sentNow()).isEqualTo(1);
        assertThat(titlesTo("ada@example.org")).hasSize(1);
        assertThat(titlesTo("ada@example.org").get(0).get(0)).isEqualTo("Dexterous robot manipulation from human videos");
        // the same list as the stopped run chose, stored once
        assertThat(paperboy.selections().forEdition(edition.id())).hasSize(1);
        assertThat(first.rows().get(0).subscriberId()).isEqualTo(ada.id());
    }

    @Test
    void twoReadersWithDifferentTopicsGetDifferentDigestsEachSaysWhy() throws Exception {
        open();
        List<Paper> papers = withARobotPaper();
        papers.add(SamplePapers.paper("2611.90002", "Diffusion models for protein design", 2, 0, 41,
                clock.instant().minus(Duration.ofHours(1))));
        paperboy.papers().upsert(papers);
        subscribe("ada@example.org", "robots");
        subscribe("alan@example.org", "protein diffusion");
        subscribe("grace@example.org");

        SendReport report = sendDay(0);

        assertThat(report.sentNow()).isEqualTo(3);
        assertThat(report.choosing().selections()).isEqualTo(3);
        List<String> ada = titlesTo("ada@example.org").get(0);
        List<String> alan = titlesTo("alan@example.org").get(0);
        List<String> grace = titlesTo("grace@example.org").get(0);
        assertThat(ada.get(0)).isEqualTo("Dexterous robot manipulation from human videos");
        assertThat(alan.get(0)).isEqualTo("Diffusion models for protein design");
        assertThat(grace).startsWith("Paper number 1").doesNotContain(ada.get(0), alan.get(0));
        // the rest comes from the general ranking
        assertThat(ada.subList(1, 10)).containsExactlyElementsOf(grace.subList(0, 9));
        String adaText = text("ada@example.org");
        assertThat(adaText).contains("matches robots · 3 upvotes");
        assertThat(text("grace@example.org")).doesNotContain("matches");
    }

    @Test
    void aWeeklyReaderDoesNotGetWhatTheyReceivedInTheWeeksDailies() throws Exception {
        open();
        paperboy.papers().upsert(SamplePapers.ranked(25, clock.instant()));
        Subscriber ada = subscribe("ada@example.org");
        sendDay(0);
        // she switches to a weekly digest on the next day's weekday
        LocalDate next = DAY_ONE.plusDays(1);
        paperboy.subscribers().updatePreferences(ada.id(), new Preferences(null,
                org.paperboy.subscriptions.Frequency.WEEKLY, next.getDayOfWeek(), null, List.of()));

        sendDay(1);

        List<List<String>> digests = titlesTo("ada@example.org");
        assertThat(digests).hasSize(2);
        assertThat(digests.get(1)).hasSize(10).doesNotContainAnyElementsOf(digests.get(0));
    }

    private static String text(String email) throws Exception {
        for (MimeMessage m : greenMail.getReceivedMessages()) {
            if (EditionSenderTest.recipient(m).equals(email)) {
                return (String) ((MimeMultipart) m.getContent()).getBodyPart(0).getContent();
            }
        }
        throw new AssertionError("no message to " + email);
    }
}
