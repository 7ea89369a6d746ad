package org.paperboy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code paperboy} in a child JVM, as the launcher would, in a chosen working directory. */
public final class CliProcess {

    /** What a finished command printed and returned. */
    public record Result(int exitCode, String out, String err) {
    }

    private CliProcess() {
    }

    public static Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.paperboy.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("PAPERBOY_"));
        builder.environment().putAll(env);
        // output to files, so that a command that never ends is killed at the deadline instead of blocking a read
        Path out = java.nio.file.Files.createTempFile("paperboy-out", ".txt");
        Path err = java.nio.file.Files.createTempFile("paperboy-err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("paperboy " + String.join(" ", args) + " did not finish in 120 s; it printed: "
                    + java.nio.file.Files.readString(out) + java.nio.file.Files.readString(err));
        }
        String printed = java.nio.file.Files.readString(out, StandardCharsets.UTF_8);
        String errors = java.nio.file.Files.readString(err, StandardCharsets.UTF_8);
        java.nio.file.Files.deleteIfExists(out);
        java.nio.file.Files.deleteIfExists(err);
        return new Result(process.exitValue(), printed, errors);
    }
}
