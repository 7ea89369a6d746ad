package org.paperboy.papers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A real HTTP server on a free loopback port, answering from fixture files in {@code papers/}. */
final class FixtureServer implements AutoCloseable {

    /** One canned answer. */
    record Reply(int status, byte[] body, String contentType, Map<String, String> headers) {

        static Reply fixture(String name, String contentType) {
            try (InputStream in = FixtureServer.class.getResourceAsStream("/papers/" + name)) {
                if (in == null) {
                    throw new IllegalArgumentException("no fixture papers/" + name);
                }
                return new Reply(200, in.readAllBytes(), contentType, Map.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Reply text(int status, String body) {
            return new Reply(status, body.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
        }

        Reply withHeader(String name, String value) {
            Map<String, String> more = new HashMap<>(headers);
            more.put(name, value);
            return new Reply(status, body, contentType, more);
        }
    }

    /** Decides the reply from the request and how many times this path was called (1-based). */
    @FunctionalInterface
    interface Route {
        Reply reply(HttpExchange exchange, int call);
    }

    /** Holds the request without answering until the server closes. */
    static final Reply NEVER = new Reply(0, new byte[0], "text/plain", Map.of());

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<URI> requests = new ArrayList<>();
    private final List<String> userAgents = new ArrayList<>();
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();

    FixtureServer() {
        this(InetAddress.getLoopbackAddress());
    }

    /** A server on {@code address}, e.g. 127.0.0.2: another host than 127.0.0.1 to a client. */
    FixtureServer(InetAddress address) {
        try {
            server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.start();
    }

    FixtureServer route(String path, Route route) {
        server.createContext(path, exchange -> handle(path, route, exchange));
        return this;
    }

    URI uri(String path) {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort() + path);
    }

    synchronized List<URI> requests() {
        return List.copyOf(requests);
    }

    synchronized List<String> userAgents() {
        return List.copyOf(userAgents);
    }

    /** The raw query strings of the requests so far, in order. */
    List<String> queries() {
        return requests().stream().map(URI::getRawQuery).toList();
    }

    private void handle(String path, Route route, HttpExchange exchange) throws IOException {
        synchronized (this) {
            requests.add(exchange.getRequestURI());
            userAgents.add(String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
        }
        Reply reply = route.reply(exchange, calls.merge(path, 1, Integer::sum));
        if (reply == NEVER) {
            try {
                closing.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        if (reply.body().length > 0) {
            exchange.getResponseBody().write(reply.body());
        }
        exchange.close();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
