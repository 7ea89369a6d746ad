package org.paperboy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.paperboy.Paperboy;
import org.paperboy.papers.Paper;
import org.paperboy.papers.RankedPaper;
import org.paperboy.papers.TrendingRanker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "papers", mixinStandardHelpOptions = true, description = "Look at the papers Paperboy holds.",
        subcommands = PapersCommand.Trending.class)
final class PapersCommand extends CommandGroup {

    @Command(name = "trending", mixinStandardHelpOptions = true,
            description = "The current ranking, with each paper's score and the signals behind it.")
    static final class Trending implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--limit", defaultValue = "10", description = "how many papers (default: ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--json", description = "print JSON instead of a table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) {
                throw new UsageException("--limit must be at least 1");
            }
            PrintWriter out = spec.commandLine().getOut();
            try (Paperboy paperboy = Environment.open()) {
                TrendingRanker ranker = new TrendingRanker(paperboy.settings().ranking(), paperboy.clock());
                List<RankedPaper> ranking = ranker.rank(paperboy.papers().trendingSince(ranker.windowStart()), limit);
                if (json) {
                    out.println(toJson(ranking));
                    return Main.OK;
                }
                if (ranking.isEmpty()) {
                    out.println("No papers trending in the last " + paperboy.settings().ranking().windowDays()
                            + " days. Import some with 'paperboy import FILE' or 'paperboy fetch'.");
                    return Main.OK;
                }
                out.printf("%4s  %9s  %s%n", "rank", "score", "title / why it is trending");
                for (RankedPaper r : ranking) {
                    out.printf(Locale.ROOT, "%4d  %9.4f  %s%n%17s%s%n", r.rank(), r.score(), r.paper().title(), "",
                            r.reason());
                }
                return Main.OK;
            }
        }

        static String toJson(List<RankedPaper> ranking) throws Exception {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ArrayNode array = mapper.createArrayNode();
            for (RankedPaper r : ranking) {
                Paper p = r.paper();
                ObjectNode node = array.addObject();
                node.put("rank", r.rank());
                node.put("score", r.score());
                node.put("id", p.externalId());
                node.put("title", p.title());
                node.put("reason", r.reason());
                ObjectNode signals = node.putObject("signals");
                signals.put("upvotes", p.upvotes());
                signals.put("github_stars", p.githubStars());
                if (p.sourceRank() != null) {
                    signals.put("source_rank", p.sourceRank());
                }
                signals.put("source", p.source());
                signals.put("trending_since", p.trendingSince() == null ? null : p.trendingSince().toString());
                node.put("url", p.pageUrl());
            }
            return mapper.writeValueAsString(array);
        }
    }
}
