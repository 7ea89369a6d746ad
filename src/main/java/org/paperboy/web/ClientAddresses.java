package org.paperboy.web;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.paperboy.config.IpRange;

/**
 * Who sent a request, for its budgets: the socket's peer; or, when the peer is one of
 * {@code PAPERBOY_TRUSTED_PROXIES}, the rightmost address in {@code X-Forwarded-For} that is not
 * a trusted proxy. Whatever a client writes further left is its own claim and is ignored.
 */
final class ClientAddresses {

    private final List<IpRange> trustedProxies;

    ClientAddresses(List<IpRange> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    String of(String peer, List<String> forwardedFor) {
        Optional<InetAddress> peerAddress = IpRange.literal(peer);
        String client = peerAddress.map(InetAddress::getHostAddress).orElse(peer);
        if (peerAddress.isEmpty() || !trusted(peerAddress.get())) {
            return client;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            hops.addAll(List.of(header.split(",")));
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = IpRange.literal(hops.get(i));
            if (hop.isEmpty()) {
                return client; // not an address our proxy wrote: the nearest trusted hop answers for it
            }
            client = hop.get().getHostAddress();
            if (!trusted(hop.get())) {
                return client;
            }
        }
        return client; // every hop a proxy of ours: the farthest one is the client
    }

    /**
     * What a client's budgets are kept under: its IPv4 address, or the /64 network of its IPv6
     * address, since one subscriber line or host usually holds a whole /64 and could otherwise
     * take a fresh address, and a fresh budget, for every request.
     */
    static String budgetKey(String client) {
        Optional<InetAddress> address = IpRange.literal(client);
        if (address.isPresent() && address.get().getAddress().length == 16) {
            return IpRange.parse(address.get().getHostAddress() + "/64").toString();
        }
        return client;
    }

    private boolean trusted(InetAddress address) {
        for (IpRange range : trustedProxies) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
