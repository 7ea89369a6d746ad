package org.paperboy.templates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.exceptions.TemplateEngineException;
import org.thymeleaf.exceptions.TemplateProcessingException;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.AbstractConfigurableTemplateResolver;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.templateresolver.FileTemplateResolver;
import org.thymeleaf.util.FastStringWriter;

/**
 * The operator's templates in {@code templates/}, with the built-in copies on the classpath as
 * the fallback for any file that is not there. Files are read on every render, so edits show
 * without a restart; a {@link #frozen()} copy reads each file once, for the many renders of one
 * edition. {@code *.html} renders in HTML mode (escaping by default), {@code *.xml} in
 * XML mode (escaping too; the Atom feed), {@code *.txt} in text mode.
 */
public final class TemplateSet {

    public static final String CLASSPATH_PREFIX = "templates/";
    private static final String[] EXTENSIONS = {"html", "txt", "xml"};

    private final Path directory;
    private final TemplateEngine engine;
    private final boolean cached;
    /** The length of each file's last output, by name: the room the next render starts with. */
    private final Map<String, Integer> lastLengths = new ConcurrentHashMap<>();

    public TemplateSet(Path directory) {
        this(directory, false);
    }

    private TemplateSet(Path directory, boolean cached) {
        this.directory = directory;
        this.cached = cached;
        this.engine = new TemplateEngine();
        int order = 1;
        for (String extension : EXTENSIONS) {
            TemplateMode mode = mode(extension);
            FileTemplateResolver files = new FileTemplateResolver();
            configure(files, directory.toAbsolutePath() + "/", extension, mode, order++, cached);
            // without this the file resolver claims every name, and the fallback is never asked
            files.setCheckExistence(true);
            engine.addTemplateResolver(files);
        }
        for (String extension : EXTENSIONS) {
            TemplateMode mode = mode(extension);
            ClassLoaderTemplateResolver builtIn = new ClassLoaderTemplateResolver(TemplateSet.class.getClassLoader());
            configure(builtIn, CLASSPATH_PREFIX, extension, mode, order++, cached);
            builtIn.setCheckExistence(true);
            engine.addTemplateResolver(builtIn);
        }
    }

    private static TemplateMode mode(String extension) {
        return switch (extension) {
            case "html" -> TemplateMode.HTML;
            case "xml" -> TemplateMode.XML;
            default -> TemplateMode.TEXT;
        };
    }

    private static void configure(AbstractConfigurableTemplateResolver resolver, String prefix, String extension,
                                  TemplateMode mode, int order, boolean cached) {
        resolver.setPrefix(prefix);
        resolver.setResolvablePatterns(Set.of("*." + extension));
        resolver.setTemplateMode(mode);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(cached);
        resolver.setOrder(order);
    }

    /**
     * These templates as they are now, each file read and parsed once and kept: an edition renders
     * thousands of distinct digests, and parsing the template and its fragments for each was most
     * of the cost (measured: 100,000 readers, 26,803 distinct selections). An edit made meanwhile
     * shows from the next copy on, so every reader of one edition gets the same templates.
     */
    public TemplateSet frozen() {
        return cached ? this : new TemplateSet(directory, true);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Each file of the operator's directory with its size and time of change: what a cache of
     * rendered pages compares to notice an edit. Empty when the directory does not exist.
     */
    public List<String> fileStamps() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).map(TemplateSet::stamp).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            // a file that vanished mid-walk: a stamp that cannot equal the last one, so pages re-render
            return List.of("unreadable " + System.nanoTime());
        }
    }

    private static String stamp(Path file) {
        try {
            return file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the operator's directory has its own copy of {@code name}. */
    public boolean isOverridden(String name) {
        return Files.isRegularFile(directory.resolve(name));
    }

    /** Where {@code name} is read from, for messages: the operator's file or the built-in copy. */
    public String describe(String name) {
        return isOverridden(name) ? directory.resolve(name).toString() : "built-in " + name;
    }

    /**
     * Renders {@code name} (e.g. {@code digest.html}) with {@code variables}.
     *
     * @throws TemplateException with the file, line and column of the problem
     */
    public String render(String name, Map<String, Object> variables) {
        Context context = new Context(Locale.ENGLISH, variables);
        // the room the last render of this file took: grown from a few bytes, each digest's output
        // would be copied a dozen times on its way to 30-odd KB
        int room = lastLengths.getOrDefault(name, 256);
        FastStringWriter out = new FastStringWriter(room + room / 8);
        try {
            engine.process(name, context, out);
            String rendered = out.toString();
            lastLengths.put(name, rendered.length());
            return rendered;
        } catch (TemplateProcessingException e) {
            String file = e.getTemplateName() == null ? describe(name) : where(e.getTemplateName());
            String location = e.getLine() == null ? file : file + ":" + e.getLine() + ":" + e.getCol();
            throw new TemplateException(location + ": " + rootMessage(e), e);
        } catch (TemplateEngineException e) {
            throw new TemplateException(describe(name) + ": " + rootMessage(e), e);
        }
    }

    private String where(String templateName) {
        String prefix = directory.toAbsolutePath() + "/";
        if (templateName.startsWith(prefix)) {
            return directory.resolve(templateName.substring(prefix.length())).toString();
        }
        if (templateName.startsWith(CLASSPATH_PREFIX)) {
            return "built-in " + templateName.substring(CLASSPATH_PREFIX.length());
        }
        // a frozen set's engine names a cached template by its own name, not the file it was read from
        return describe(templateName);
    }

    private static String rootMessage(Throwable e) {
        String message = e instanceof TemplateProcessingException tpe ? tpe.getMessage() : e.getMessage();
        Throwable cause = e.getCause();
        while (cause != null && cause != cause.getCause()) {
            if (cause.getMessage() != null) {
                message = message + " (" + cause.getMessage().lines().findFirst().orElse("") + ")";
                break;
            }
            cause = cause.getCause();
        }
        // Thymeleaf appends "(template: ... - line ..)"; the location is already in front
        return message == null ? e.getClass().getSimpleName()
                : message.replaceAll(" \\(template: \"[^\"]*\" - line \\d+, col \\d+\\)", "").strip();
    }

}
