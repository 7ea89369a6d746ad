package org.paperboy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paperboy.Paperboy;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.SubscriberStatus;
import org.paperboy.testing.MutableClock;
import org.paperboy.testing.TestSettings;

class SubscriberCsvTest {

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T07:00:00Z"));
    final List<Paperboy> opened = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(Paperboy::close);
    }

    private Paperboy fresh() {
        Paperboy paperboy = Paperboy.open(TestSettings.in(dir).build(), clock);
        opened.add(paperboy);
        return paperboy;
    }

    private static String export(Paperboy paperboy) {
        StringWriter out = new StringWriter();
        SubscribersCommand.exportAll(paperboy, out);
        return out.toString();
    }

    /** A spreadsheet's file: byte order mark, CRLF, quoted commas, quotes and line breaks, non-ASCII, ';' topics. */
    static final String SPREADSHEET = "\uFEFFName,Email,topics,timezone,notes\r\n"
            + "\"Lovelace, Ada\",ada@example.org,robot manipulation;diffusion,Europe/Berlin,\"she said \"\"hi\"\"\"\r\n"
            + "\"Turing\r\nAlan\",alan+news@bücher.example,graph neural networks;Bézier curves;ロボット,Asia/Kolkata,"
            + "\"line one\nline two\"\r\n"
            + "Grace,grace@example.org,,,\r\n"
            + "\"O'Brien\",o'brien@example.org,\"C++;Rust & Go\",Pacific/Kiritimati,\"a,b\"\r\n";

    @Test
    void exportImportExportKeepsEveryRowWithItsTopicsAndTimeZone() {
        Paperboy first = fresh();
        int[] counts = SubscribersCommand.importCsv(first, "list.csv", SPREADSHEET.getBytes(StandardCharsets.UTF_8), true);
        assertThat(counts).containsExactly(4, 0);
        Subscriber alan = first.subscribers().findByEmail(EmailAddress.parse("alan+news@xn--bcher-kva.example")).orElseThrow();
        assertThat(alan.preferences().topics()).containsExactly("graph neural networks", "Bézier curves", "ロボット");
        assertThat(alan.preferences().timezone()).isEqualTo(ZoneId.of("Asia/Kolkata"));
        String exported = export(first);

        Paperboy second = fresh();
        SubscribersCommand.importCsv(second, "export.csv", exported.getBytes(StandardCharsets.UTF_8), true);
        String again = export(second);

        assertThat(again).isEqualTo(exported);
        assertThat(exported.lines()).containsExactly(
                "email,status,frequency,weekly_day,digest_size,paused_until,topics,timezone,created_at,consent_source,confirmed_at",
                "ada@example.org,active,daily,,,,robot manipulation;diffusion,Europe/Berlin,2026-11-26T07:00:00Z,csv-import,",
                "alan+news@xn--bcher-kva.example,active,daily,,,,graph neural networks;Bézier curves;ロボット,Asia/Kolkata,"
                        + "2026-11-26T07:00:00Z,csv-import,",
                "grace@example.org,active,daily,,,,,,2026-11-26T07:00:00Z,csv-import,",
                "o'brien@example.org,active,daily,,,,C++;Rust & Go,Pacific/Kiritimati,2026-11-26T07:00:00Z,csv-import,");
    }

    @Test
    void exportQuotesCommasQuotesAndLineBreaksSoTheyReadBackUnchanged() throws Exception {
        Paperboy paperboy = fresh();
        String tricky = "web, \"partner\" form\r\nsecond line\rthird";
        paperboy.subscribers().addIfAbsent(EmailAddress.parse("ada@example.org"), SubscriberStatus.ACTIVE,
                Subscriber.Consent.byOperator(clock.instant(), tricky));

        String exported = export(paperboy);

        CsvMapper csv = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();
        try (MappingIterator<String[]> rows = csv.readerFor(String[].class).readValues(exported)) {
            List<String[]> all = rows.readAll();
            assertThat(all).hasSize(2);
            assertThat(all.get(1)[9]).isEqualTo(tricky);
        }
        List<SubscriberCsv.Row> read = SubscriberCsv.read("export.csv", exported.getBytes(StandardCharsets.UTF_8));
        assertThat(read).extracting(r -> r.email().value()).containsExactly("ada@example.org");
    }

    @Test
    void aMalformedFileIsOneClearErrorAndImportsNothing() {
        Paperboy paperboy = fresh();
        byte[] unclosed = "email,topics\nada@example.org,robots\n\"alan@example.org,diffusion\n"
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> SubscribersCommand.importCsv(paperboy, "broken.csv", unclosed, true))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("broken.csv:")
                .hasMessageContaining("not valid CSV")
                .hasMessageEndingWith("nothing imported");
        assertThat(paperboy.subscribers().list(null)).isEmpty();
    }

    @Test
    void anUnknownTimeZoneOrACommaInTopicsNamesTheRowAndImportsNothing() {
        Paperboy paperboy = fresh();
        byte[] content = ("email,topics,timezone\n"
                + "ada@example.org,robots,Europe/Berlin\n"
                + "alan@example.org,robots,Mars/Olympus_Mons\n"
                + "grace@example.org,\"robots,diffusion\",UTC\n").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> SubscribersCommand.importCsv(paperboy, "list.csv", content, true))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("2 bad rows, nothing imported")
                .hasMessageContaining("list.csv: row 3: unknown time zone 'Mars/Olympus_Mons'")
                .hasMessageContaining("list.csv: row 4: topics are separated by ';'");
        assertThat(paperboy.subscribers().list(null)).isEmpty();
    }

    @Test
    void readsOnlyTheEmailColumnWhenThereAreNoTopicsOrTimeZones() {
        List<SubscriberCsv.Row> rows = SubscriberCsv.read("list.csv",
                "name,email\nAda,ada@example.org\nAlan,\"alan@example.org\"\n\n".getBytes(StandardCharsets.UTF_8));

        assertThat(rows).extracting(r -> r.email().value(), SubscriberCsv.Row::topics, SubscriberCsv.Row::timezone)
                .containsExactly(org.assertj.core.api.Assertions.tuple("ada@example.org", null, null),
                        org.assertj.core.api.Assertions.tuple("alan@example.org", null, null));
    }
}
