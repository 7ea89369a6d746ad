package org.paperboy.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.paperboy.subscriptions.EmailAddress;
import org.paperboy.subscriptions.InvalidEmailException;

/** Reads the {@code email} column of a subscriber CSV (RFC 4180 quoting), checking every row. */
final class CsvAddresses {

    private CsvAddresses() {
    }

    static List<EmailAddress> parse(String name, List<String> lines) {
        if (lines.isEmpty()) {
            throw new UsageException(name + " is empty: expected a header row with an 'email' column");
        }
        List<String> header = split(stripBom(lines.get(0)));
        int column = -1;
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).strip().toLowerCase(Locale.ROOT).equals("email")) {
                column = i;
            }
        }
        if (column < 0) {
            throw new UsageException(name + ":1: no 'email' column in the header row " + header);
        }
        Set<EmailAddress> addresses = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> cells = split(lines.get(i));
            if (column >= cells.size()) {
                problems.add(name + ":" + (i + 1) + ": no value in the email column");
                continue;
            }
            try {
                addresses.add(EmailAddress.parse(cells.get(column)));
            } catch (InvalidEmailException e) {
                problems.add(name + ":" + (i + 1) + ": '" + cells.get(column) + "': " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new UsageException(problems.size() + " bad row" + (problems.size() == 1 ? "" : "s")
                    + ", nothing imported:\n  " + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
        }
        return List.copyOf(addresses);
    }

    static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    static String quote(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }
}
