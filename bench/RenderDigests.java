import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.paperboy.digest.DigestRenderer;
import org.paperboy.digest.Newsletter;
import org.paperboy.digest.RenderedDigest;
import org.paperboy.mail.BodyTemplate;
import org.paperboy.papers.Paper;
import org.paperboy.papers.RankedPaper;
import org.paperboy.templates.TemplateSet;

/**
 * The cost of one distinct digest as `send` makes it for readers with topics: both templates rendered
 * for ten random sample papers, then both bodies encoded around the reader's slots. No database, no
 * SMTP: what a personalised edition pays per distinct selection.
 *
 *   java [JVM flags] -cp target/paperboy.jar bench/RenderDigests.java [DIGESTS_PER_ROUND] [ROUNDS]
 *
 * Prints the time per digest of each round (3,000 digests, 6 rounds by default); the first rounds
 * include the compilers' work, the last ones show the compiled code.
 */
public class RenderDigests {

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        List<Paper> papers = samplePapers();
        Newsletter newsletter = new Newsletter("Paperboy", URI.create("https://papers.bench.example"),
                "1 Example Street, Springfield", Newsletter.DEFAULT_ACCENT, "", "Today's trending papers.");
        DigestRenderer renderer = new DigestRenderer(new TemplateSet(Path.of("templates")), newsletter).frozen();
        Random random = new Random(20261127L);
        int slots = 0;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                RenderedDigest digest = renderer.renderForReaders(LocalDate.of(2026, 11, 27), tenOf(papers, random));
                slots += BodyTemplate.compile(digest.text(), slots(digest.textSlots()), BodyTemplate.Kind.TEXT).slotNames().size();
                slots += BodyTemplate.compile(digest.html(), slots(digest.htmlSlots()), BodyTemplate.Kind.HTML).slotNames().size();
            }
            System.out.printf("round %d: %.3f ms per digest%n", round + 1, (System.nanoTime() - start) / 1e6 / perRound);
        }
        System.out.println("(" + slots + " reader slots filled in all)");
    }

    /** The bundled sample papers, read by the importer's own parser for the seed page. */
    @SuppressWarnings("unchecked")
    private static List<Paper> samplePapers() throws Exception {
        byte[] page = RankedPaper.class.getResourceAsStream("/samples/trending-papers-page.txt").readAllBytes();
        Class<?> parserClass = Class.forName("org.paperboy.papers.SeedTextParser");
        Constructor<?> constructor = parserClass.getDeclaredConstructor();
        constructor.setAccessible(true);
        Method parse = parserClass.getMethod("parse", String.class, byte[].class);
        parse.setAccessible(true);
        Object parsed = parse.invoke(constructor.newInstance(), "trending-papers-page.txt", page);
        Method papers = parsed.getClass().getDeclaredMethod("papers");
        papers.setAccessible(true);
        List<Paper> result = new ArrayList<>();
        for (Paper paper : (List<Paper>) papers.invoke(parsed)) {
            result.add(paper.withId(result.size() + 1));
        }
        return result;
    }

    private static List<RankedPaper> tenOf(List<Paper> papers, Random random) {
        List<RankedPaper> chosen = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        while (chosen.size() < 10) {
            int at = random.nextInt(papers.size());
            if (taken.add(at)) {
                chosen.add(new RankedPaper(chosen.size() + 1, papers.get(at), 3.5,
                        "matches robot manipulation · 42 upvotes"));
            }
        }
        return chosen;
    }

    private static List<BodyTemplate.Slot> slots(List<RenderedDigest.Slot> slots) {
        return slots.stream().map(s -> new BodyTemplate.Slot(s.at(), s.end(), s.name())).toList();
    }
}
