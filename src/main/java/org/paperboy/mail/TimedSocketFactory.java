package org.paperboy.mail;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;

/**
 * Creates SMTP sockets with TCP_NODELAY whose reads and writes give up after a time limit.
 *
 * <p>A silent server would otherwise hang the edition. The usual ways cost a sender much of its
 * CPU at thousands of messages a second: Angus' write timeout ({@code mail.smtp.writetimeout})
 * arms a timer on a thread pool of its own for every write, and a socket read timeout
 * ({@code SO_TIMEOUT}) turns every read into a non-blocking read, a poll and a second read. Here
 * the socket stays blocking and one daemon thread looks at the reads and writes in progress ten
 * times a second; it closes the socket of any that has waited longer than the limit, and the
 * read or write then fails with a {@link SocketTimeoutException}. A read or write costs two clock
 * reads. The read limit is what the caller sets with {@link Socket#setSoTimeout} (Angus sets
 * {@code mail.smtp.timeout}); the write limit is given here.
 */
final class TimedSocketFactory extends SocketFactory {

    private static final long CHECK_MILLIS = 100;
    private static final Set<TimedSocket> OPEN = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "smtp-socket-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    static {
        WATCHDOG.scheduleWithFixedDelay(TimedSocketFactory::closeStuckSockets,
                CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private final long writeLimitNanos;

    TimedSocketFactory(Duration writeLimit) {
        if (writeLimit.isNegative() || writeLimit.isZero()) {
            throw new IllegalArgumentException("write time limit must be positive: " + writeLimit);
        }
        this.writeLimitNanos = writeLimit.toNanos();
    }

    private static void closeStuckSockets() {
        long now = System.nanoTime();
        for (TimedSocket socket : OPEN) {
            socket.closeIfStuck(now);
        }
    }

    @Override
    public Socket createSocket() throws IOException {
        TimedSocket socket = new TimedSocket(writeLimitNanos);
        socket.setTcpNoDelay(true); // Nagle's algorithm meets delayed ACKs on every SMTP command otherwise
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket socket = createSocket();
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private interface Io<T> {
        T run() throws IOException;
    }

    /** A read or a write: when the one in progress started, and how long it may take. */
    private static final class Wait {
        final String what;
        volatile long limitNanos; // 0: no limit
        volatile long since; // 0: none in progress
        volatile boolean expired;

        Wait(String what, long limitNanos) {
            this.what = what;
            this.limitNanos = limitNanos;
        }

        boolean expiredAt(long now) {
            long started = since;
            long limit = limitNanos;
            expired = started != 0 && limit > 0 && now - started > limit;
            return expired;
        }

        <T> T time(Io<T> io) throws IOException {
            long now = System.nanoTime();
            since = now == 0 ? 1 : now;
            try {
                return io.run();
            } catch (IOException e) {
                if (!expired) {
                    throw e;
                }
                SocketTimeoutException timeout = new SocketTimeoutException("no " + what + " for "
                        + TimeUnit.NANOSECONDS.toMillis(limitNanos) + " ms; timed out");
                timeout.initCause(e);
                throw timeout;
            } finally {
                since = 0;
            }
        }
    }

    /** A blocking socket that tells the watchdog when each read and write starts and ends. */
    private static final class TimedSocket extends Socket {
        private final Wait reading = new Wait("reply from the server", 0);
        private final Wait writing;
        private InputStream input;
        private OutputStream output;

        TimedSocket(long writeLimitNanos) {
            this.writing = new Wait("progress writing to the server", writeLimitNanos);
        }

        /** The read time limit, kept here instead of in the socket, which stays blocking. */
        @Override
        public void setSoTimeout(int timeout) {
            if (timeout < 0) {
                throw new IllegalArgumentException("timeout < 0");
            }
            reading.limitNanos = TimeUnit.MILLISECONDS.toNanos(timeout);
        }

        @Override
        public int getSoTimeout() {
            return (int) TimeUnit.NANOSECONDS.toMillis(reading.limitNanos);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new TimedInput(super.getInputStream());
                OPEN.add(this); // watched from the first stream to close()
            }
            return input;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (output == null) {
                output = new TimedOutput(super.getOutputStream());
                OPEN.add(this);
            }
            return output;
        }

        void closeIfStuck(long now) {
            if (reading.expiredAt(now) | writing.expiredAt(now)) {
                try {
                    close();
                } catch (IOException ignored) {
                    // the blocked read or write fails either way
                }
            }
        }

        @Override
        public void close() throws IOException {
            OPEN.remove(this);
            super.close();
        }

        private final class TimedInput extends FilterInputStream {
            TimedInput(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                return reading.time(in::read);
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return reading.time(() -> in.read(bytes, offset, length));
            }
        }

        private final class TimedOutput extends FilterOutputStream {
            TimedOutput(OutputStream out) {
                super(out);
            }

            @Override
            public void write(int b) throws IOException {
                writing.time(() -> {
                    out.write(b);
                    return null;
                });
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                writing.time(() -> {
                    out.write(bytes, offset, length);
                    return null;
                });
            }

            @Override
            public void flush() throws IOException {
                writing.time(() -> {
                    out.flush();
                    return null;
                });
            }
        }
    }
}
