package org.paperboy.papers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads papers from files ({@code import FILE... --format F}) and the bundled sample set.
 * Bad records and unreadable files are reported and skipped; everything else is stored.
 */
public final class PaperImporter {

    /** The bundled sample: a copy of a trending-papers page (254 papers). */
    static final String SAMPLE_RESOURCE = "/samples/trending-papers-page.txt";

    private static final Logger log = LoggerFactory.getLogger(PaperImporter.class);

    private final PaperRepository repository;
    private final PaperParsers parsers = new PaperParsers();

    public PaperImporter(PaperRepository repository) {
        this.repository = repository;
    }

    public ImportReport importFiles(List<Path> files, PaperFormat format) {
        List<Paper> papers = new ArrayList<>();
        List<ImportProblem> problems = new ArrayList<>();
        for (Path file : files) {
            String name = file.toString();
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                problems.add(new ImportProblem(name, "no such file"));
                continue;
            } catch (AccessDeniedException e) {
                problems.add(new ImportProblem(name, "permission denied"));
                continue;
            } catch (IOException e) {
                problems.add(new ImportProblem(name, "cannot be read: " + PaperFields.firstLine(e.getMessage())));
                continue;
            }
            ParsedPapers parsed = parsers.forContent(format, name, content).parse(name, content);
            papers.addAll(parsed.papers());
            problems.addAll(parsed.problems());
        }
        return store(papers, problems);
    }

    /** Loads the bundled sample set, so a fresh install has something to rank and send. */
    public ImportReport importSample() {
        ParsedPapers parsed = parseSample();
        return store(parsed.papers(), parsed.problems());
    }

    /** The bundled sample set, parsed but not stored: sample data for checks and previews. */
    public static List<Paper> samplePapers() {
        return new PaperImporter(null).parseSample().papers();
    }

    private ParsedPapers parseSample() {
        byte[] content;
        try (InputStream in = PaperImporter.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                return new ParsedPapers(List.of(), List.of(new ImportProblem(SAMPLE_RESOURCE, "missing from the build")));
            }
            content = in.readAllBytes();
        } catch (IOException e) {
            return new ParsedPapers(List.of(), List.of(new ImportProblem(SAMPLE_RESOURCE,
                    "cannot be read: " + PaperFields.firstLine(e.getMessage()))));
        }
        String name = "samples/trending-papers-page.txt";
        return parsers.forContent(PaperFormat.SEED_TEXT, name, content).parse(name, content);
    }

    private ImportReport store(List<Paper> papers, List<ImportProblem> problems) {
        PaperRepository.UpsertCounts counts = papers.isEmpty()
                ? new PaperRepository.UpsertCounts(0, 0)
                : repository.upsert(papers);
        log.info("papers imported inserted={} updated={} problems={}", counts.inserted(), counts.updated(),
                problems.size());
        return new ImportReport(counts.inserted(), counts.updated(), problems);
    }
}
