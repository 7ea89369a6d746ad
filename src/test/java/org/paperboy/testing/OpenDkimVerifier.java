package org.paperboy.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * OpenDKIM's {@code opendkim-testmsg} as an independent DKIM verifier: a C implementation that
 * shares nothing with the signer, checking against the public keys published here.
 *
 * <p>{@code opendkim-testmsg} has no option for a local key when it verifies ({@code -k} is for
 * signing, see its man page): it asks DNS through the C library, which reads
 * {@code /etc/resolv.conf}. So this class answers TXT queries itself, on port 53 of a random
 * 127.x.y.z address, and runs the verifier in a private mount namespace ({@code unshare -m}) where
 * a resolv.conf naming that address is bind-mounted over /etc/resolv.conf. Nothing outside that
 * one process sees the change. Needs root (as the tests run here and in CI).
 */
public final class OpenDkimVerifier implements AutoCloseable {

    private final Map<String, String> records = new ConcurrentHashMap<>();
    private final DatagramSocket socket;
    private final Path resolvConf;
    private final Thread server;

    private OpenDkimVerifier(DatagramSocket socket, Path resolvConf) {
        this.socket = socket;
        this.resolvConf = resolvConf;
        this.server = new Thread(this::serve, "dkim-dns");
        this.server.setDaemon(true);
        this.server.start();
    }

    /** Starts the DNS answers; {@code dir} holds the resolv.conf. */
    public static OpenDkimVerifier start(Path dir) throws IOException {
        Processes.require("/usr/sbin/opendkim-testmsg", "apt-get install opendkim-tools");
        Processes.require("/usr/bin/unshare", "apt-get install util-linux");
        DatagramSocket socket = null;
        for (int attempt = 0; socket == null; attempt++) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            InetAddress address = InetAddress.getByAddress(new byte[] {127, (byte) random.nextInt(1, 255),
                    (byte) random.nextInt(1, 255), (byte) random.nextInt(2, 255)});
            try {
                socket = new DatagramSocket(new InetSocketAddress(address, 53));
            } catch (SocketException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver " + socket.getLocalAddress().getHostAddress()
                + "\noptions attempts:2 timeout:2\n");
        return new OpenDkimVerifier(socket, resolv);
    }

    /** Publishes {@code value} as the TXT record of {@code selector._domainkey.domain}. */
    public void publish(String selector, String domain, String value) {
        records.put((selector + "._domainkey." + domain).toLowerCase(Locale.ROOT), value);
    }

    /** What the verifier said: exit code 0 and nothing printed means every signature verified. */
    public record Verdict(int exitCode, String output) {
        public boolean verified() {
            return exitCode == 0 && output.isBlank();
        }
    }

    /** Verifies {@code message} (CRLF or LF line ends) with {@code opendkim-testmsg}. */
    public Verdict verify(byte[] message) throws IOException {
        Processes.Output output = Processes.attempt(List.of("/usr/bin/unshare", "-m", "/bin/sh", "-c",
                "mount --bind \"$1\" /etc/resolv.conf && exec /usr/sbin/opendkim-testmsg", "sh", resolvConf.toString()),
                message, Map.of());
        return new Verdict(output.exitCode(), (output.out() + output.err()).strip());
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket query = new DatagramPacket(buffer, buffer.length);
                socket.receive(query);
                byte[] answer = answer(ByteBuffer.wrap(query.getData(), 0, query.getLength()));
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                }
            } catch (IOException | RuntimeException e) {
                // closed, or a query we do not understand: the resolver asks again or gives up
            }
        }
    }

    /** A DNS answer (RFC 1035 §4.1) to one TXT question: the record, or NXDOMAIN. */
    private byte[] answer(ByteBuffer query) {
        short id = query.getShort();
        query.getShort(); // flags
        if (query.getShort() != 1) {
            return null;
        }
        query.position(12);
        StringBuilder name = new StringBuilder();
        for (int length = query.get(); length != 0; length = query.get()) {
            byte[] label = new byte[length];
            query.get(label);
            name.append(name.length() == 0 ? "" : ".").append(new String(label, StandardCharsets.US_ASCII));
        }
        short type = query.getShort();
        query.getShort(); // class
        int questionEnd = query.position();
        String record = type == 16 ? records.get(name.toString().toLowerCase(Locale.ROOT)) : null;
        ByteBuffer out = ByteBuffer.allocate(1500);
        out.putShort(id);
        out.putShort((short) (record == null ? 0x8583 : 0x8580)); // response, authoritative, NXDOMAIN or no error
        out.putShort((short) 1).putShort((short) (record == null ? 0 : 1)).putShort((short) 0).putShort((short) 0);
        out.put(query.array(), query.arrayOffset() + 12, questionEnd - 12);
        if (record != null) {
            byte[] text = record.getBytes(StandardCharsets.US_ASCII);
            int strings = (text.length + 254) / 255;
            out.putShort((short) 0xc00c).putShort((short) 16).putShort((short) 1).putInt(60);
            out.putShort((short) (text.length + strings));
            for (int i = 0; i < text.length; i += 255) {
                int length = Math.min(255, text.length - i);
                out.put((byte) length).put(text, i, length);
            }
        }
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    @Override
    public void close() {
        socket.close();
    }
}
