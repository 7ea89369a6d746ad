package org.paperboy.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.InvalidEmailException;
import org.paperboy.subscriptions.Preferences;
import org.paperboy.subscriptions.Subscriber;
import org.paperboy.subscriptions.TimeZones;
import org.paperboy.subscriptions.Topics;

/**
 * Subscriber lists as CSV (RFC 4180, read and written by jackson-dataformat-csv): import reads the
 * {@code email} column and, when present, {@code topics} ({@code ;}-separated) and {@code timezone};
 * export writes every subscriber with the columns of {@link #EXPORT_COLUMNS}.
 */
final class SubscriberCsv {

    static final List<String> EXPORT_COLUMNS = List.of("email", "status", "frequency", "weekly_day", "digest_size",
            "paused_until", "topics", "timezone", "created_at", "consent_source", "confirmed_at");
    /** Problems listed before the rest are only counted. */
    static final int PROBLEMS_SHOWN = 20;

    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY, CsvParser.Feature.SKIP_EMPTY_LINES)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            // quotes only cells that need it (separator, quote, CR, LF), so an export reads well
            .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
            .build();

    /** One subscriber to import; {@code topics} and {@code timezone} are null when the file has no such column. */
    record Row(EmailAddress email, List<String> topics, ZoneId timezone) {

        /** Default preferences with this row's topics and time zone. */
        Preferences preferences() {
            Preferences p = Preferences.DEFAULT;
            p = topics == null ? p : p.withTopics(topics);
            return p.withTimezone(timezone);
        }

        boolean hasPreferences() {
            return (topics != null && !topics.isEmpty()) || timezone != null;
        }
    }

    private SubscriberCsv() {
    }

    /**
     * Every row of {@code content}, each checked; the first row is the header.
     *
     * @throws UsageException naming every bad row (nothing is imported then)
     */
    static List<Row> read(String name, byte[] content) {
        List<String[]> records = new ArrayList<>();
        try (MappingIterator<String[]> rows = CSV.readerFor(String[].class).readValues(content)) {
            while (rows.hasNextValue()) {
                records.add(rows.nextValue());
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new UsageException(name + (line > 0 ? ":" + line : "") + ": not valid CSV ("
                    + String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("") + "); nothing imported");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (records.isEmpty()) {
            throw new UsageException(name + " is empty: expected a header row with an 'email' column");
        }
        String[] header = records.get(0);
        int email = column(header, "email");
        int topics = column(header, "topics");
        int timezone = column(header, "timezone");
        if (email < 0) {
            throw new UsageException(name + ":1: no 'email' column in the header row " + List.of(header));
        }
        Map<EmailAddress, Row> rows = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            String[] cells = records.get(i);
            String where = name + ": row " + (i + 1);
            if (cells.length == 1 && cells[0].isBlank()) {
                continue;
            }
            try {
                EmailAddress address = EmailAddress.parse(cell(cells, email));
                rows.putIfAbsent(address, new Row(address, topics < 0 ? null : topics(cell(cells, topics)),
                        timezone < 0 ? null : TimeZones.parse(cell(cells, timezone))));
            } catch (InvalidEmailException e) {
                problems.add(where + ": '" + printable(cell(cells, email)) + "': " + e.getMessage());
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new UsageException(problems.size() + " bad row" + (problems.size() == 1 ? "" : "s")
                    + ", nothing imported:\n  " + String.join("\n  ",
                    problems.subList(0, Math.min(PROBLEMS_SHOWN, problems.size()))));
        }
        return List.copyOf(rows.values());
    }

    /** Topics in a CSV cell are separated by ';', as the column holds one cell. */
    static List<String> topics(String cell) {
        if (cell.contains(",")) {
            throw new IllegalArgumentException("topics are separated by ';' in a CSV file, found ','");
        }
        return Topics.parse(cell.replace(';', ','));
    }

    /** Writes subscribers as CSV with a header row; call {@link Export#write} per subscriber, then close. */
    static Export export(Writer out) {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        EXPORT_COLUMNS.forEach(schema::addColumn);
        try {
            return new Export(CSV.writerFor(String[].class).with(schema.build()).writeValues(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class Export implements AutoCloseable {
        private final SequenceWriter writer;

        private Export(SequenceWriter writer) {
            this.writer = writer;
        }

        void write(Subscriber s) {
            Preferences p = s.preferences();
            try {
                writer.write(new String[] {s.email(), s.status().dbValue(), p.frequency().dbValue(),
                        p.weeklyDay() == null ? "" : p.weeklyDay().name().toLowerCase(Locale.ROOT),
                        text(p.digestSize()), text(p.pausedUntil()), String.join(";", p.topics()),
                        p.timezone() == null ? "" : p.timezone().getId(), text(s.createdAt()),
                        text(s.consent().source()), text(s.consent().confirmedAt())});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static int column(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            // a spreadsheet's byte order mark can sit before the first name
            if (header[i].replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String cell(String[] cells, int column) {
        return column < cells.length ? cells[column] : "";
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
