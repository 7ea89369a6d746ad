package org.paperboy.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code paperboy serve} in a child JVM: one node of a cluster, with its own web port and log
 * file, stopped with SIGTERM ({@link #terminate}) or SIGKILL ({@link #kill}).
 */
public final class ServeNode implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServeNode(String name, Process process, Path log, int port, String adminToken) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
        this.adminToken = adminToken;
    }

    /** Starts a node in {@code dir} with {@code settings} (keys without the prefix); returns without waiting. */
    public static ServeNode start(Path dir, String name, Map<String, String> settings) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path workDir = Files.createDirectories(dir.resolve(name));
        Path log = workDir.resolve("serve.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "org.paperboy.cli.Main", "serve");
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("PAPERBOY_"));
        settings.forEach((key, value) -> env.put("PAPERBOY_" + key, value));
        env.put("PAPERBOY_WEB_PORT", Integer.toString(port));
        // a directory of its own: no .env or config/paperboy.yml of the developer is read
        builder.directory(workDir.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        return new ServeNode(name, builder.start(), log, port, settings.getOrDefault("ADMIN_TOKEN", ""));
    }

    /** Waits until the node says it is running. */
    public ServeNode awaitRunning(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (log().contains("Paperboy is running")) {
                return this;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("node " + name + " exited with " + process.exitValue() + ": " + log());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("node " + name + " did not start within " + timeout + ": " + log());
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** How many lines of the log hold {@code text}. */
    public long linesWith(String text) throws IOException {
        return log().lines().filter(line -> line.contains(text)).count();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** GET or POST on the admin API; the body of the answer. */
    public HttpResponse<String> api(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, then waits for the process to end. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + name + " did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, claims stay in the database. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
