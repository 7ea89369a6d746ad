package org.paperboy.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.paperboy.store.PrivateFiles;

/**
 * A sender's "sent" marks appended to a local file, one line per accepted message, before the
 * connection sends anything else. A write to a file survives a killed process (it is in the
 * operating system's cache), and costs a fraction of a database commit; the dispatcher moves the
 * marks into the ledger about once a second and then drops the file. After a crash, the next
 * sender applies the files of senders that stopped before it takes over their claims.
 *
 * <p>Used with a database file on this machine (H2); with a database server every mark goes to
 * the database, since another machine could take the claims over.
 */
final class SentJournal implements AutoCloseable {

    static final String SUFFIX = ".sent";

    private final Path directory;
    private final String owner;
    private FileChannel channel;
    private Path current;
    private List<SentMarks.Mark> marks = new ArrayList<>();
    private int sequence;

    private SentJournal(Path directory, String owner) {
        this.directory = directory;
        this.owner = owner;
    }

    static SentJournal open(Path directory, String senderId) throws IOException {
        PrivateFiles.createDirectories(directory);
        SentJournal journal = new SentJournal(directory, fileSafe(senderId));
        journal.openNext();
        return journal;
    }

    /** The marks of one closed file, to be applied to the ledger before the file is deleted. */
    record Segment(Path file, List<SentMarks.Mark> marks) {
    }

    /** Appends one mark; returns once the operating system has it. */
    synchronized void append(SentMarks.Mark mark) throws IOException {
        String reply = mark.reply() == null ? "" : mark.reply().replaceAll("[\\t\\r\\n]", " ");
        byte[] line = (mark.deliveryId() + "\t" + mark.at().toEpochMilli() + "\t" + reply + "\n")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        marks.add(mark);
    }

    /** Closes the current file and starts a new one; returns what the closed one holds. */
    synchronized Segment rotate() throws IOException {
        channel.close();
        Segment closed = new Segment(current, marks);
        marks = new ArrayList<>();
        openNext();
        return closed;
    }

    private void openNext() throws IOException {
        current = directory.resolve(owner + "." + (++sequence) + SUFFIX);
        // the replies in it may hold an address: the owner's only, whatever the umask
        channel = FileChannel.open(current, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), PrivateFiles.ownerOnlyFile());
    }

    /** Closes the journal; its last file is empty once its marks were applied, and is removed. */
    @Override
    public synchronized void close() throws IOException {
        channel.close();
        if (marks.isEmpty()) {
            Files.deleteIfExists(current);
        }
    }

    /** The files in {@code directory} written by senders other than {@code senderId}. */
    static List<Path> othersFiles(Path directory, String senderId) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        String mine = fileSafe(senderId) + ".";
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : stream) {
                if (!file.getFileName().toString().startsWith(mine)) {
                    files.add(file);
                }
            }
        }
        return files;
    }

    /** The sender that wrote {@code file}, in file-safe form. */
    static String ownerOf(Path file) {
        String name = file.getFileName().toString();
        String withoutSuffix = name.substring(0, name.length() - SUFFIX.length());
        return withoutSuffix.substring(0, withoutSuffix.lastIndexOf('.'));
    }

    /** Reads the marks in a file; a last line cut short by a crash is ignored. */
    static List<SentMarks.Mark> read(Path file) throws IOException {
        List<SentMarks.Mark> marks = new ArrayList<>();
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
        // the last element follows the last line end: empty, or a line the crash cut short
        for (int i = 0; i < lines.length - 1; i++) {
            String[] parts = lines[i].split("\t", 3);
            if (parts.length < 3) {
                continue;
            }
            try {
                marks.add(new SentMarks.Mark(Long.parseLong(parts[0]), parts[2],
                        Instant.ofEpochMilli(Long.parseLong(parts[1]))));
            } catch (NumberFormatException e) {
                // a torn line
            }
        }
        return marks;
    }

    static String fileSafe(String senderId) {
        return senderId.replaceAll("[^A-Za-z0-9@_-]", "_");
    }
}
