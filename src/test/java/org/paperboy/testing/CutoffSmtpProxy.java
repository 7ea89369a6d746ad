package org.paperboy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a real SMTP server that lets {@code messagesAllowed} messages through
 * and then goes away: at the end of the next message's data it closes every connection and
 * stops listening, as a server that crashed would.
 */
public final class CutoffSmtpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final int messagesAllowed;
    private final AtomicInteger messagesSeen = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    public CutoffSmtpProxy(int targetPort, int messagesAllowed) throws IOException {
        this.targetPort = targetPort;
        this.messagesAllowed = messagesAllowed;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public boolean isDown() {
        return down;
    }

    private void acceptLoop() {
        while (!down) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                pump(client.getInputStream(), server.getOutputStream(), true, client, server);
                pump(server.getInputStream(), client.getOutputStream(), false, client, server);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, boolean fromClient, Socket client, Socket server) {
        Thread t = new Thread(() -> {
            int last4 = 0;
            try {
                int b;
                while ((b = in.read()) != -1) {
                    last4 = (last4 << 8) | b;
                    // "\r\n.\r\n" ends a message's data; its final "\r\n" is the byte just read
                    boolean endOfData = fromClient && b == '\n' && (last4 & 0xffffff) == ('.' << 16 | '\r' << 8 | '\n')
                            && ((last4 >>> 24) & 0xff) == '\n';
                    if (endOfData && messagesSeen.incrementAndGet() > messagesAllowed) {
                        goDown();
                        return;
                    }
                    out.write(b);
                    if (in.available() == 0) {
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the other side closed
            } finally {
                // one side hung up: so does the other
                close(client);
                close(server);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private synchronized void goDown() {
        down = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(CutoffSmtpProxy::close);
    }

    @Override
    public void close() {
        goDown();
    }
}
