package org.paperboy.testing;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.Optional;

/** This machine's addresses, to prove that a socket cannot be reached from the network. */
public final class LocalAddresses {

    private LocalAddresses() {
    }

    /** An IPv4 address of this machine that others on its network can reach, if it has one. */
    public static Optional<InetAddress> nonLoopback() throws SocketException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(LocalAddresses::upAndNotLoopback)
                .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }

    /** Whether something accepts TCP connections at {@code address:port}. */
    public static boolean accepts(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean upAndNotLoopback(NetworkInterface n) {
        try {
            return n.isUp() && !n.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
