package org.paperboy.papers;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the text of a trending-papers web page as copied from a browser: page chrome ("Get
 * trending papers in your email inbox…"), then a title line and an abstract line per paper,
 * the first title glued to the "Subscribe" button's label.
 *
 * <p>The page has no ids or links, so the id is derived from the title (stable across
 * re-imports) and the page link is an arXiv title search.
 */
final class SeedTextParser implements PaperParser {

    static final String SOURCE = "sample";
    static final String ID_PREFIX = "seed-";

    private static final String CHROME = "get trending papers";
    private static final String BUTTON = "Subscribe";
    // Real titles stay far below this; a longer "title" is an abstract whose title line was lost.
    private static final int LONGEST_TITLE = 300;

    @Override
    public ParsedPapers parse(String fileName, byte[] content) {
        ParsedPapers.Builder result = new ParsedPapers.Builder();
        String[] lines = PaperFields.stripBom(new String(content, StandardCharsets.UTF_8)).split("\r?\n", -1);
        boolean firstContentLine = true;
        String title = null;
        int titleLine = 0;
        int rank = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.toLowerCase(Locale.ROOT).startsWith(CHROME)) {
                continue;
            }
            if (firstContentLine && line.startsWith(BUTTON) && line.length() > BUTTON.length()) {
                line = line.substring(BUTTON.length()).strip();
            }
            firstContentLine = false;
            String location = fileName + ":" + (i + 1);
            if (title == null) {
                if (line.length() > LONGEST_TITLE) {
                    result.problem(location, "expected a title, found a paragraph of " + line.length()
                            + " characters (its title line is missing?); skipped");
                    continue;
                }
                title = line;
                titleLine = i + 1;
                continue;
            }
            rank++;
            String titleLocation = fileName + ":" + titleLine;
            try {
                result.add(paper(title, line, rank), titleLocation);
            } catch (BadRecordException e) {
                result.problem(titleLocation, e.getMessage());
            }
            title = null;
        }
        if (title != null) {
            result.problem(fileName + ":" + titleLine, "title '" + PaperFields.fit(title, 60)
                    + "' has no abstract line after it (truncated file?); skipped");
        }
        return result.build();
    }

    private static Paper paper(String rawTitle, String abstractText, int rank) {
        String title = PaperFields.title(rawTitle);
        String search = "https://arxiv.org/search/?searchtype=title&query="
                + URLEncoder.encode(title, StandardCharsets.UTF_8);
        return new Paper(null, PaperFields.titleId(ID_PREFIX, title), title, PaperFields.summary(abstractText), null,
                null, null, search.length() <= PaperFields.MAX_URL ? search : null, null, null, null, null, null,
                0, 0, SOURCE, rank, null);
    }
}
