package org.paperboy.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Real loopback sockets: a peer that reads nothing, one that says nothing, one that echoes. */
class TimedSocketFactoryTest {

    @Test
    void aWriteToAPeerThatReadsNothingFailsAfterTheLimitAndClosesTheSocket() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Socket socket = new TimedSocketFactory(Duration.ofMillis(300))
                    .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            try (Socket silent = server.accept()) {
                assertThat(socket.getTcpNoDelay()).isTrue();
                OutputStream out = socket.getOutputStream();
                byte[] more = new byte[64 * 1024 * 1024]; // far beyond both socket buffers

                assertThatThrownBy(() -> out.write(more))
                        .isInstanceOf(SocketTimeoutException.class)
                        .hasMessage("no progress writing to the server for 300 ms; timed out");
                assertThat(socket.isClosed()).isTrue();
                assertThat(silent.isClosed()).isFalse();
            }
        }
    }

    @Test
    void aReadFromAPeerThatSaysNothingFailsAfterTheReadTimeout() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket socket = new TimedSocketFactory(Duration.ofSeconds(30)).createSocket();
            socket.setSoTimeout(300); // as Angus does with mail.smtp.timeout
            socket.connect(server.getLocalSocketAddress());
            try (Socket silent = server.accept()) {
                assertThat(socket.getSoTimeout()).isEqualTo(300);
                InputStream in = socket.getInputStream();

                assertThatThrownBy(in::read)
                        .isInstanceOf(SocketTimeoutException.class)
                        .hasMessage("no reply from the server for 300 ms; timed out");
                assertThat(socket.isClosed()).isTrue();
            }
        }
    }

    @Test
    void aReadWithoutATimeoutWaitsForThePeer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket socket = new TimedSocketFactory(Duration.ofMillis(100)).createSocket();
            socket.connect(server.getLocalSocketAddress());
            try (socket; Socket slow = server.accept()) {
                Thread later = new Thread(() -> {
                    try {
                        Thread.sleep(500); // five watchdog rounds with a read in progress
                        slow.getOutputStream().write('x');
                    } catch (Exception ignored) {
                        // the test fails on the read below
                    }
                });
                later.start();
                assertThat(socket.getInputStream().read()).isEqualTo('x');
                assertThat(socket.isClosed()).isFalse();
            }
        }
    }

    @Test
    void writesToAPeerThatKeepsReadingAreLeftAlone() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket socket = new TimedSocketFactory(Duration.ofMillis(300))
                    .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            socket.setSoTimeout(300);
            try (socket; Socket echo = server.accept()) {
                Thread echoing = new Thread(() -> {
                    try (InputStream in = echo.getInputStream(); OutputStream back = echo.getOutputStream()) {
                        in.transferTo(back);
                    } catch (Exception ignored) {
                        // the test closed the socket
                    }
                });
                echoing.start();
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                long total = 0;
                byte[] chunk = new byte[8192];
                byte[] read = new byte[8192];
                // a second of small writes, each answered: many watchdog checks, none of them fatal
                long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                while (System.nanoTime() < end) {
                    out.write(chunk);
                    out.flush();
                    total += in.readNBytes(read, 0, chunk.length);
                }
                assertThat(socket.isClosed()).isFalse();
                assertThat(total).isPositive();
            }
        }
    }

    @Test
    void aLimitOfZeroIsRefused() {
        assertThatThrownBy(() -> new TimedSocketFactory(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }
}
