package org.paperboy.papers;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.paperboy.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls papers from the configured HTTP sources ({@code fetch [--source S]}) and stores them.
 * Connection errors, 429 and 5xx are retried with exponential backoff (or the server's
 * Retry-After); other 4xx are not, since asking again will not change the answer.
 */
public final class PaperFetcher {

    static final String USER_AGENT = "Paperboy/0.1";
    static final int ARXIV_PAGE_SIZE = 100;
    // arXiv's terms of use: no more than one request every three seconds.
    static final Duration ARXIV_INTERVAL = Duration.ofSeconds(3);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(60);
    static final long MAX_BODY_BYTES = 32L * 1024 * 1024;
    // the JDK client's own limit for Redirect.NORMAL
    static final int MAX_REDIRECTS = 5;

    private static final Logger log = LoggerFactory.getLogger(PaperFetcher.class);

    private final Settings.Sources settings;
    private final PaperRepository repository;
    private final Clock clock;
    private final Sleeper sleeper;
    private final HttpClient http;
    private final RequestPacer arxivPacer;
    private final PaperParsers parsers = new PaperParsers();

    public PaperFetcher(Settings.Sources settings, PaperRepository repository, Clock clock) {
        this(settings, repository, clock, Sleeper.REAL);
    }

    PaperFetcher(Settings.Sources settings, PaperRepository repository, Clock clock, Sleeper sleeper) {
        this.settings = settings;
        this.repository = repository;
        this.clock = clock;
        this.sleeper = sleeper;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                // followed by hand, see follow(): only to hosts we were told to fetch from
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.arxivPacer = new RequestPacer(ARXIV_INTERVAL, clock, sleeper);
    }

    /** Fetches today's lists, "today" being the date in {@code zone} (the digest's time zone). */
    public FetchReport fetchToday(List<String> sources, ZoneId zone) {
        return fetch(sources, LocalDate.now(clock.withZone(zone)));
    }

    /**
     * Fetches each source in turn and stores what it returned; a failing source is reported
     * and the others still run. Pass {@code settings.enabled()} for the configured sources.
     */
    public FetchReport fetch(List<String> sources, LocalDate date) {
        List<FetchReport.SourceOutcome> outcomes = new ArrayList<>();
        for (String source : sources) {
            if (Thread.currentThread().isInterrupted()) {
                outcomes.add(failed(source, "interrupted before it started"));
                continue;
            }
            FetchReport.SourceOutcome outcome = fetchSource(source, date);
            if (outcome.failed()) {
                log.warn("papers fetch failed source={} inserted={} updated={} error=\"{}\"", source,
                        outcome.inserted(), outcome.updated(), outcome.error());
            } else {
                log.info("papers fetched source={} inserted={} updated={} problems={}", source,
                        outcome.inserted(), outcome.updated(), outcome.problems().size());
            }
            outcomes.add(outcome);
        }
        return new FetchReport(outcomes);
    }

    private FetchReport.SourceOutcome fetchSource(String source, LocalDate date) {
        Harvest harvest = new Harvest();
        String error = null;
        try {
            switch (source) {
                case HfDailyPapersParser.SOURCE -> fetchHuggingFace(date, harvest);
                case ArxivAtomParser.SOURCE -> fetchArxiv(harvest);
                default -> {
                    return failed(source, "unknown source '" + source + "'; accepted: "
                            + String.join(", ", Settings.Sources.KNOWN));
                }
            }
        } catch (FetchFailedException e) {
            error = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        try {
            // Whatever arrived before a failure is still worth keeping.
            PaperRepository.UpsertCounts counts = harvest.papers.isEmpty()
                    ? new PaperRepository.UpsertCounts(0, 0)
                    : repository.upsert(harvest.papers.values());
            return new FetchReport.SourceOutcome(source, counts.inserted(), counts.updated(), harvest.problems, error);
        } catch (RuntimeException e) {
            log.warn("papers store failed source={}", source, e);
            return new FetchReport.SourceOutcome(source, 0, 0, harvest.problems,
                    "cannot store the fetched papers: " + PaperFields.firstLine(e.getMessage()));
        }
    }

    private void fetchHuggingFace(LocalDate date, Harvest harvest) throws FetchFailedException, InterruptedException {
        URI uri = withQuery(settings.huggingFaceUrl(), "date=" + date);
        byte[] body = get(uri, "application/json", null);
        harvest.add(parsers.hfJson().parse("huggingface " + date, body));
    }

    /** Pages through the newest results for the configured query until enough came back. */
    private void fetchArxiv(Harvest harvest) throws FetchFailedException, InterruptedException {
        int wanted = settings.arxivMaxResults();
        int start = 0;
        while (start < wanted) {
            int size = Math.min(ARXIV_PAGE_SIZE, wanted - start);
            URI uri = withQuery(settings.arxivUrl(), "search_query="
                    + URLEncoder.encode(settings.arxivQuery(), StandardCharsets.UTF_8)
                    + "&sortBy=submittedDate&sortOrder=descending&start=" + start + "&max_results=" + size);
            byte[] body = get(uri, "application/atom+xml", arxivPacer);
            ArxivAtomParser.Page page = parsers.arxivAtom().parsePage("arxiv start=" + start, body);
            if (page.apiError() != null) {
                throw new FetchFailedException("arXiv rejected the query '" + settings.arxivQuery() + "': "
                        + page.apiError());
            }
            harvest.add(page.parsed());
            if (page.entries() == 0) {
                break;
            }
            start += page.entries();
            if (page.totalResults() != null && start >= page.totalResults()) {
                break;
            }
        }
    }

    /** GET with bounded retries; returns the body of a 2xx answer. */
    private byte[] get(URI uri, String accept, RequestPacer pacer) throws FetchFailedException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("User-Agent", USER_AGENT)
                .header("Accept", accept)
                .GET()
                .build();
        int attempts = Math.max(1, settings.attempts());
        String lastFailure = "";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (pacer != null) {
                pacer.awaitTurn();
            }
            Duration retryAfter = null;
            try {
                HttpResponse<byte[]> response = follow(request);
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return response.body();
                }
                lastFailure = "HTTP " + status + snippet(response.body());
                if (status != 429 && status < 500) {
                    throw new FetchFailedException("GET " + uri + " answered " + lastFailure);
                }
                retryAfter = retryAfter(response).orElse(null);
            } catch (HttpTimeoutException | TimeoutException e) {
                lastFailure = "timed out after " + settings.timeout().toSeconds() + "s";
            } catch (ConnectException e) {
                // The JDK client's ConnectException usually carries no message.
                lastFailure = "cannot connect"
                        + (e.getMessage() == null ? "" : ": " + PaperFields.firstLine(e.getMessage()));
            } catch (IOException e) {
                lastFailure = "connection failed: " + PaperFields.firstLine(
                        e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            }
            if (attempt < attempts) {
                Duration wait = retryAfter != null ? retryAfter : backoff(attempt);
                log.info("papers fetch retry url={} attempt={} failure=\"{}\" wait_ms={}", uri, attempt, lastFailure,
                        wait.toMillis());
                sleeper.sleep(wait);
            }
        }
        throw new FetchFailedException("GET " + uri + " failed after " + attempts
                + (attempts == 1 ? " attempt: " : " attempts: ") + lastFailure);
    }

    /**
     * Sends {@code request} and follows redirects, but only to its own host or a configured source's
     * host, and never from https to http: a source cannot send us to fetch from anywhere else.
     */
    private HttpResponse<byte[]> follow(HttpRequest request)
            throws IOException, TimeoutException, InterruptedException, FetchFailedException {
        HttpResponse<byte[]> response = send(request);
        Set<String> hosts = new HashSet<>();
        for (URI allowed : List.of(request.uri(), settings.huggingFaceUrl(), settings.arxivUrl())) {
            if (allowed.getHost() != null) {
                hosts.add(allowed.getHost().toLowerCase(Locale.ROOT));
            }
        }
        for (int hops = 0; REDIRECTS.contains(response.statusCode()); hops++) {
            URI from = response.request().uri();
            Optional<String> location = response.headers().firstValue("Location");
            if (location.isEmpty()) {
                return response; // an error status like any other
            }
            URI to;
            try {
                to = from.resolve(location.get().strip());
            } catch (IllegalArgumentException e) {
                throw new FetchFailedException("GET " + from + " answered a redirect to a malformed location; not followed");
            }
            String refusal = redirectRefusal(from, to, hosts);
            if (refusal != null) {
                throw new FetchFailedException("GET " + from + " answered a redirect to " + PaperFields.fit(to.toString(), 200)
                        + ", " + refusal + "; not followed");
            }
            if (hops == MAX_REDIRECTS) {
                throw new FetchFailedException("GET " + request.uri() + " was redirected more than " + MAX_REDIRECTS
                        + " times; not followed");
            }
            response = send(HttpRequest.newBuilder(request, (name, value) -> true).uri(to).build());
        }
        return response;
    }

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    /** Why a redirect from {@code from} to {@code to} is not followed, or null when it may be. */
    static String redirectRefusal(URI from, URI to, Set<String> hosts) {
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return "which is not an http or https address";
        }
        if (scheme.equals("http") && "https".equalsIgnoreCase(from.getScheme())) {
            return "which goes from https to http";
        }
        String host = to.getHost() == null ? "" : to.getHost().toLowerCase(Locale.ROOT);
        if (!hosts.contains(host)) {
            return "whose host " + host + " is neither the requested one nor a configured source's";
        }
        return null;
    }

    /** Sends with one deadline for the whole exchange; the client's own timeout stops at the headers. */
    private HttpResponse<byte[]> send(HttpRequest request) throws IOException, TimeoutException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(request, info -> new LimitedBody(MAX_BODY_BYTES));
        try {
            return future.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause == null ? "unknown error" : cause.toString(), cause);
        } catch (TimeoutException | InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    private static Duration backoff(int attempt) {
        Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 16));
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    }

    /** Retry-After in seconds, capped; the HTTP-date form is rare enough to fall back to backoff. */
    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After")
                .map(String::strip)
                .filter(value -> value.matches("\\d{1,9}"))
                .map(value -> Duration.ofSeconds(Long.parseLong(value)))
                .map(wait -> wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait);
    }

    private static String snippet(byte[] body) {
        String text = body == null ? null : PaperFields.collapse(new String(body, StandardCharsets.UTF_8));
        return text == null ? "" : ": " + PaperFields.fit(text, 200);
    }

    private static URI withQuery(URI base, String query) {
        String text = base.toString();
        return URI.create(text + (base.getRawQuery() == null ? "?" : "&") + query);
    }

    private static FetchReport.SourceOutcome failed(String source, String error) {
        return new FetchReport.SourceOutcome(source, 0, 0, List.of(), error);
    }

    /** One source's papers, keyed by id so overlapping arXiv pages store each paper once. */
    private static final class Harvest {
        final Map<String, Paper> papers = new LinkedHashMap<>();
        final List<ImportProblem> problems = new ArrayList<>();

        void add(ParsedPapers parsed) {
            parsed.papers().forEach(paper -> papers.putIfAbsent(paper.externalId(), paper));
            problems.addAll(parsed.problems());
        }
    }

    /** A source that could not be read; the message names the URL and what went wrong. */
    static final class FetchFailedException extends Exception {
        FetchFailedException(String message) {
            super(message);
        }
    }
}
