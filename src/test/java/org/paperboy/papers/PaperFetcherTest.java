package org.paperboy.papers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.paperboy.config.Settings;
import org.paperboy.config.SettingsLoader;
import org.paperboy.papers.FetchReport.SourceOutcome;
import org.paperboy.papers.FixtureServer.Reply;
import org.paperboy.store.Database;

class PaperFetcherTest {

    private static final LocalDate DAY = LocalDate.parse("2024-01-05");
    private static final String HF = "/api/daily_papers";
    private static final String ARXIV = "/api/query";

    private final SteppingClock clock = new SteppingClock(Instant.parse("2024-01-05T06:30:00Z"));
    private final FixtureServer server = new FixtureServer();
    private Database database;
    private PaperRepository repository;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.open();
        repository = new PaperRepository(database, clock);
    }

    @AfterEach
    void close() {
        server.close();
        database.close();
    }

    private PaperFetcher fetcher(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "HF_API_URL", server.uri(HF).toString(),
                "ARXIV_API_URL", server.uri(ARXIV).toString(),
                "ARXIV_QUERY", "cat:cs.CL OR cat:cs.LG",
                "ARXIV_MAX_RESULTS", "150",
                // generous, so a loaded machine does not turn a slow answer into a retry
                "FETCH_TIMEOUT_SECONDS", "15",
                "FETCH_RETRIES", "3"));
        settings.putAll(overrides);
        Settings.Sources sources = SettingsLoader.fromMap(settings).sources();
        return new PaperFetcher(sources, repository, clock, clock);
    }

    private PaperFetcher fetcher() {
        return fetcher(Map.of());
    }

    private static SourceOutcome only(FetchReport report) {
        assertThat(report.outcomes()).hasSize(1);
        return report.outcomes().get(0);
    }

    @Test
    void fetchesTheHuggingFaceListOfTheGivenDate() {
        server.route(HF, (exchange, call) -> Reply.fixture("hf-daily-papers.json", "application/json"));

        SourceOutcome outcome = only(fetcher().fetch(List.of("huggingface"), DAY));

        assertThat(outcome.failed()).isFalse();
        assertThat(outcome.inserted()).isEqualTo(4);
        assertThat(server.queries()).containsExactly("date=2024-01-05");
        assertThat(server.userAgents()).containsExactly("Paperboy/0.1");
        assertThat(repository.count()).isEqualTo(4);
    }

    @Test
    void todayIsTheDateInTheGivenZone() {
        clock.advance(Duration.ofHours(17));
        server.route(HF, (exchange, call) -> Reply.fixture("hf-daily-papers.json", "application/json"));

        fetcher().fetchToday(List.of("huggingface"), ZoneId.of("Asia/Tokyo"));

        assertThat(server.queries()).containsExactly("date=2024-01-06");
    }

    @Test
    void pagesThroughArxivAtMostOneRequestEveryThreeSeconds() {
        server.route(ARXIV, (exchange, call) -> {
            String query = exchange.getRequestURI().getRawQuery();
            if (query.contains("&start=0&")) {
                return Reply.fixture("arxiv-page-1.xml", "application/atom+xml");
            }
            if (query.contains("&start=3&")) {
                return Reply.fixture("arxiv-page-2.xml", "application/atom+xml");
            }
            return Reply.fixture("arxiv-empty.xml", "application/atom+xml");
        });

        SourceOutcome outcome = only(fetcher().fetch(List.of("arxiv"), DAY));

        assertThat(outcome.failed()).isFalse();
        assertThat(outcome.inserted()).isEqualTo(5);
        String search = "search_query=cat%3Acs.CL+OR+cat%3Acs.LG&sortBy=submittedDate&sortOrder=descending";
        assertThat(server.queries()).containsExactly(
                search + "&start=0&max_results=100",
                search + "&start=3&max_results=100",
                search + "&start=5&max_results=100");
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
    }

    @Test
    void stopsPagingOnceTheConfiguredNumberOfResultsHasArrived() {
        server.route(ARXIV, (exchange, call) -> Reply.fixture(
                call == 1 ? "arxiv-page-1.xml" : "arxiv-page-2.xml", "application/atom+xml"));

        SourceOutcome outcome = only(fetcher(Map.of("ARXIV_MAX_RESULTS", "4")).fetch(List.of("arxiv"), DAY));

        assertThat(outcome.inserted()).isEqualTo(5);
        assertThat(server.queries()).extracting(q -> q.substring(q.indexOf("&start=")))
                .containsExactly("&start=0&max_results=4", "&start=3&max_results=1");
    }

    @Test
    void anErrorFromTheArxivApiFailsTheSourceWithArxivsWords() {
        server.route(ARXIV, (exchange, call) -> Reply.fixture("arxiv-error.xml", "application/atom+xml"));

        SourceOutcome outcome = only(fetcher().fetch(List.of("arxiv"), DAY));

        assertThat(outcome.error())
                .isEqualTo("arXiv rejected the query 'cat:cs.CL OR cat:cs.LG': incorrect id format for 1234.12345");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void retriesA503AfterTheServersRetryAfterAndThenSucceeds() {
        server.route(HF, (exchange, call) -> call == 1
                ? Reply.text(503, "Service Unavailable").withHeader("Retry-After", "7")
                : Reply.fixture("hf-daily-papers.json", "application/json"));

        SourceOutcome outcome = only(fetcher().fetch(List.of("huggingface"), DAY));

        assertThat(outcome.failed()).isFalse();
        assertThat(outcome.inserted()).isEqualTo(4);
        assertThat(server.requests()).hasSize(2);
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void backsOffExponentiallyOnServerErrorsAndRateLimits() {
        server.route(HF, (exchange, call) -> switch (call) {
            case 1 -> Reply.text(500, "oops");
            case 2 -> Reply.text(429, "slow down");
            default -> Reply.fixture("hf-daily-papers.json", "application/json");
        });

        SourceOutcome outcome = only(fetcher().fetch(List.of("huggingface"), DAY));

        assertThat(outcome.failed()).isFalse();
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void givesUpAfterTheConfiguredAttemptsNamingUrlAndStatus() {
        server.route(HF, (exchange, call) -> Reply.text(502, "<html>Bad Gateway</html>"));

        SourceOutcome outcome = only(fetcher().fetch(List.of("huggingface"), DAY));

        assertThat(outcome.error()).isEqualTo("GET " + server.uri(HF) + "?date=2024-01-05 failed after 3 attempts: "
                + "HTTP 502: <html>Bad Gateway</html>");
        assertThat(server.requests()).hasSize(3);
        assertThat(repository.count()).isZero();
    }

    @Test
    void doesNotRetryA404() {
        server.route(HF, (exchange, call) -> Reply.text(404, "{\"error\":\"Not Found\"}"));

        SourceOutcome outcome = only(fetcher().fetch(List.of("huggingface"), DAY));

        assertThat(outcome.error()).isEqualTo("GET " + server.uri(HF) + "?date=2024-01-05 answered HTTP 404: "
                + "{\"error\":\"Not Found\"}");
        assertThat(server.requests()).hasSize(1);
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        server.route(HF, (exchange, call) -> FixtureServer.NEVER);
        long started = System.nanoTime();

        SourceOutcome outcome = only(fetcher(Map.of("FETCH_RETRIES", "2", "FETCH_TIMEOUT_SECONDS", "1"))
                .fetch(List.of("huggingface"), DAY));

        assertThat(outcome.error()).isEqualTo("GET " + server.uri(HF) + "?date=2024-01-05 failed after 2 attempts: "
                + "timed out after 1s");
        assertThat(server.requests()).hasSize(2);
        // the server never answers: only the timeout can have ended the wait
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aRefusedConnectionIsRetriedAndReported() {
        FixtureServer closed = new FixtureServer();
        String url = closed.uri(HF).toString();
        closed.close();

        SourceOutcome outcome = only(fetcher(Map.of("HF_API_URL", url)).fetch(List.of("huggingface"), DAY));

        assertThat(outcome.error()).startsWith("GET " + url + "?date=2024-01-05 failed after 3 attempts: "
                + "cannot connect");
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void oneFailingSourceDoesNotStopTheOthers() {
        server.route(HF, (exchange, call) -> Reply.text(404, "no such date"));
        server.route(ARXIV, (exchange, call) -> Reply.fixture(
                call == 1 ? "arxiv-page-1.xml" : "arxiv-empty.xml", "application/atom+xml"));

        FetchReport report = fetcher().fetch(List.of("huggingface", "bogus", "arxiv"), DAY);

        assertThat(report.outcomes()).extracting(SourceOutcome::source)
                .containsExactly("huggingface", "bogus", "arxiv");
        assertThat(report.outcomes().get(0).error()).contains("answered HTTP 404: no such date");
        assertThat(report.outcomes().get(1).error()).isEqualTo("unknown source 'bogus'; accepted: huggingface, arxiv");
        assertThat(report.outcomes().get(2).failed()).isFalse();
        assertThat(report.anyFailed()).isTrue();
        assertThat(report.inserted()).isEqualTo(3);
        assertThat(repository.count()).isEqualTo(3);
    }

    @Test
    void papersFromEarlierArxivPagesAreKeptWhenALaterPageFails() {
        server.route(ARXIV, (exchange, call) -> call == 1
                ? Reply.fixture("arxiv-page-1.xml", "application/atom+xml")
                : Reply.text(400, "bad paging"));

        SourceOutcome outcome = only(fetcher().fetch(List.of("arxiv"), DAY));

        assertThat(outcome.failed()).isTrue();
        assertThat(outcome.error()).contains("&start=3&max_results=100 answered HTTP 400: bad paging");
        assertThat(outcome.inserted()).isEqualTo(3);
    }

    @Test
    void refetchingUpdatesTheSamePapers() {
        server.route(HF, (exchange, call) -> Reply.fixture(
                call == 1 ? "hf-daily-papers.json" : "hf-daily-papers-later.json", "application/json"));
        PaperFetcher fetcher = fetcher();
        fetcher.fetch(List.of("huggingface"), DAY);

        SourceOutcome second = only(fetcher.fetch(List.of("huggingface"), DAY));

        assertThat(second.inserted()).isZero();
        assertThat(second.updated()).isEqualTo(2);
        assertThat(repository.count()).isEqualTo(4);
    }

    /** A second server on 127.0.0.2: the same machine, but another host to the fetcher. */
    private static FixtureServer elsewhere() throws Exception {
        return new FixtureServer(java.net.InetAddress.getByName("127.0.0.2"))
                .route(HF, (exchange, call) -> Reply.fixture("hf-daily-papers.json", "application/json"));
    }

    private static FixtureServer.Route redirectTo(java.net.URI target) {
        return (exchange, call) -> Reply.text(302, "moved")
                .withHeader("Location", target + "?" + exchange.getRequestURI().getRawQuery());
    }

    @Test
    void aRedirectToAnotherHostIsRefusedAndNothingIsImported() throws Exception {
        try (FixtureServer other = elsewhere()) {
            server.route(HF, redirectTo(other.uri(HF)));

            SourceOutcome outcome = only(fetcher().fetch(List.of("huggingface"), DAY));

            assertThat(outcome.failed()).isTrue();
            assertThat(outcome.error()).contains("redirect", "127.0.0.2", "not followed");
            assertThat(other.requests()).isEmpty();
            assertThat(server.requests()).hasSize(1);
            assertThat(repository.count()).isZero();
        }
    }

    @Test
    void aRedirectOnTheSameHostIsFollowed() {
        server.route(HF, redirectTo(server.uri("/moved" + HF)));
        server.route("/moved" + HF, (exchange, call) -> Reply.fixture("hf-daily-papers.json", "application/json"));

        SourceOutcome outcome = only(fetcher().fetch(List.of("huggingface"), DAY));

        assertThat(outcome.failed()).isFalse();
        assertThat(outcome.inserted()).isEqualTo(4);
        assertThat(server.requests()).extracting(java.net.URI::getPath).containsExactly(HF, "/moved" + HF);
    }

    @Test
    void aRedirectToAConfiguredSourceHostIsFollowed() throws Exception {
        try (FixtureServer other = elsewhere()) {
            server.route(HF, redirectTo(other.uri(HF)));

            SourceOutcome outcome = only(fetcher(Map.of("ARXIV_API_URL", other.uri(ARXIV).toString()))
                    .fetch(List.of("huggingface"), DAY));

            assertThat(outcome.failed()).isFalse();
            assertThat(outcome.inserted()).isEqualTo(4);
            assertThat(other.requests()).hasSize(1);
        }
    }

    @Test
    void aRedirectLoopEndsWithAClearError() {
        server.route(HF, redirectTo(server.uri(HF)));

        SourceOutcome outcome = only(fetcher(Map.of("FETCH_RETRIES", "1")).fetch(List.of("huggingface"), DAY));

        assertThat(outcome.failed()).isTrue();
        assertThat(outcome.error()).contains("redirect");
        assertThat(server.requests().size()).isLessThanOrEqualTo(PaperFetcher.MAX_REDIRECTS + 1);
    }

    @Test
    void onlyTheSameHostOrASourceHostOverTheSameOrAStrongerSchemeIsAllowed() {
        java.util.Set<String> sources = java.util.Set.of("huggingface.co", "export.arxiv.org");
        java.net.URI from = java.net.URI.create("https://huggingface.co/api/daily_papers?date=2024-01-05");
        assertThat(PaperFetcher.redirectRefusal(from, from.resolve("/api/v2/daily_papers"), sources)).isNull();
        assertThat(PaperFetcher.redirectRefusal(from, java.net.URI.create("https://HuggingFace.co/x"), sources)).isNull();
        assertThat(PaperFetcher.redirectRefusal(from, java.net.URI.create("https://export.arxiv.org/api/query"), sources))
                .isNull();
        assertThat(PaperFetcher.redirectRefusal(from, java.net.URI.create("http://huggingface.co/api/daily_papers"), sources))
                .contains("https to http");
        assertThat(PaperFetcher.redirectRefusal(from, java.net.URI.create("https://evil.example/papers.json"), sources))
                .contains("evil.example");
        assertThat(PaperFetcher.redirectRefusal(from, java.net.URI.create("file:///etc/passwd"), sources))
                .isNotNull();
        assertThat(PaperFetcher.redirectRefusal(java.net.URI.create("http://127.0.0.1:8080/a"),
                java.net.URI.create("https://127.0.0.1:9443/b"), java.util.Set.of("127.0.0.1"))).isNull();
    }
}
