package org.paperboy.testing;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small real SMTP server on 127.0.0.1 for replies GreenMail cannot give: a chosen reply per
 * recipient (451, 550, ...) and connections closed after a number of messages. Records every
 * accepted message with its envelope.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    /** One accepted message. */
    public record Received(String mailFrom, String recipient, String data, int connection) {
    }

    private final ServerSocket server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<String, String> rcptReply = rcpt -> "250 2.1.5 Ok";
    private volatile int closeAfterMessages;
    private volatile boolean pipelining;
    private volatile boolean dataWithoutRecipients;
    private volatile boolean quoteRecipient;

    public ScriptedSmtpServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "scripted-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The reply to RCPT TO for each recipient address, e.g. {@code "451 4.7.1 Try again later"}. */
    public ScriptedSmtpServer replyToRecipient(Function<String, String> reply) {
        this.rcptReply = reply;
        return this;
    }

    /** Closes each connection right after accepting this many messages on it (0: never). */
    public ScriptedSmtpServer closeAfterMessages(int count) {
        this.closeAfterMessages = count;
        return this;
    }

    /** Offers PIPELINING (RFC 2920) in the EHLO reply. */
    public ScriptedSmtpServer pipelining() {
        this.pipelining = true;
        return this;
    }

    /**
     * Answers DATA with 354 even when every recipient was refused, as RFC 2920 §3.1 allows, then
     * refuses the (empty) message at its end.
     */
    public ScriptedSmtpServer dataWithoutRecipients() {
        this.dataWithoutRecipients = true;
        return this;
    }

    /** Quotes the recipient in the reply that accepts a message, as some servers do. */
    public ScriptedSmtpServer quoteRecipientOnAccept() {
        this.quoteRecipient = true;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<String> recipients() {
        return received.stream().map(Received::recipient).toList();
    }

    /** Every command line read outside the data of a message, in order, on all connections. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                int number = connections.incrementAndGet();
                Thread session = new Thread(() -> serve(socket, number), "scripted-smtp-" + number);
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int connection) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            reply(out, "220 scripted ESMTP");
            String from = null;
            List<String> rcpts = new ArrayList<>();
            int accepted = 0;
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line);
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("EHLO")) {
                    reply(out, "250-scripted\r\n" + (pipelining ? "250-PIPELINING\r\n" : "")
                            + "250-8BITMIME\r\n250 SIZE 10000000");
                } else if (upper.startsWith("HELO")) {
                    reply(out, "250 scripted");
                } else if (upper.startsWith("MAIL FROM:")) {
                    from = address(line.substring(10));
                    rcpts.clear();
                    reply(out, "250 2.1.0 Ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    String rcpt = address(line.substring(8));
                    String answer = rcptReply.apply(rcpt);
                    if (answer.startsWith("2")) {
                        rcpts.add(rcpt);
                    }
                    reply(out, answer);
                } else if (upper.equals("DATA")) {
                    if (rcpts.isEmpty() && !dataWithoutRecipients) {
                        reply(out, "554 5.5.1 No valid recipients");
                        continue;
                    }
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    ByteArrayOutputStream data = new ByteArrayOutputStream();
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // RFC 5321 4.5.2: the first dot of a line is dropped, as every server does
                        data.writeBytes((line.startsWith(".") ? line.substring(1) : line).getBytes(StandardCharsets.ISO_8859_1));
                        data.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    if (line == null) {
                        return; // the connection ended inside the data: no message, as any server
                    }
                    if (rcpts.isEmpty()) {
                        reply(out, "554 5.5.1 No valid recipients, message discarded");
                        continue;
                    }
                    for (String rcpt : rcpts) {
                        received.add(new Received(from, rcpt, data.toString(StandardCharsets.UTF_8), connection));
                    }
                    String quoted = quoteRecipient ? " for <" + rcpts.get(0) + ">" : "";
                    rcpts.clear();
                    reply(out, "250 2.0.0 Ok: queued as " + connection + "." + (++accepted) + quoted);
                    if (closeAfterMessages > 0 && accepted >= closeAfterMessages) {
                        return; // hang up without a word, as servers with a per-connection cap do
                    }
                } else if (upper.startsWith("RSET")) {
                    rcpts.clear();
                    reply(out, "250 2.0.0 Ok");
                } else if (upper.startsWith("NOOP")) {
                    reply(out, "250 2.0.0 Ok");
                } else if (upper.startsWith("QUIT")) {
                    reply(out, "221 2.0.0 Bye");
                    return;
                } else {
                    reply(out, "502 5.5.2 Command not recognised");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String address(String arg) {
        String a = arg.strip();
        int lt = a.indexOf('<');
        int gt = a.indexOf('>');
        return lt >= 0 && gt > lt ? a.substring(lt + 1, gt) : a.split(" ")[0];
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
