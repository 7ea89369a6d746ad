package org.paperboy.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the system tools the mail-server tests need, and fails with their output when one fails. */
public final class Processes {

    private Processes() {
    }

    /** What a finished command wrote and returned. */
    public record Output(int exitCode, String out, String err) {
    }

    public static Output run(List<String> command) throws IOException {
        return run(command, null, Map.of());
    }

    /** Runs {@code command} with {@code stdin} (null: none); throws with its output unless it exits 0. */
    public static Output run(List<String> command, byte[] stdin, Map<String, String> env) throws IOException {
        Output output = attempt(command, stdin, env);
        if (output.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + output.exitCode() + ": "
                    + output.out() + output.err());
        }
        return output;
    }

    /** As {@link #run}, whatever the exit code. */
    public static Output attempt(List<String> command, byte[] stdin, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Path out = Files.createTempFile("paperboy-process", ".out");
        Path err = Files.createTempFile("paperboy-process", ".err");
        try {
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = builder.start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted", e);
            }
            return new Output(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Fails with {@code install} as the hint when {@code program} is not there: nothing is skipped silently. */
    public static void require(String program, String install) {
        if (!Files.isExecutable(Path.of(program))) {
            throw new IllegalStateException(program + " is not installed; these tests need it: " + install
                    + " (.ci/run installs it)");
        }
    }

    /** A loopback port free right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Waits until something accepts connections on 127.0.0.1:{@code port}. */
    public static void awaitListening(int port, String what, Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", interrupted);
                }
            }
        }
        throw new IllegalStateException(what + " did not listen on port " + port + " within 20 s; its log: "
                + (Files.exists(log) ? Files.readString(log) : "(none)"));
    }

    /** Lets the unprivileged users of the mail servers (postfix, dovecot, nobody) into {@code dir}. */
    public static void openToAll(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
