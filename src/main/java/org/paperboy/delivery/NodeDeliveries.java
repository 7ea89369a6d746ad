package org.paperboy.delivery;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.paperboy.store.Database;

/**
 * Who sends what in a cluster. Every process has a node id (its host name and process id); each
 * of its senders is {@code node/random}, the {@code claimed_by} of the rows it claims, which a sent
 * row keeps. So the ledger tells, per edition, how many messages each node sent and holds.
 */
public final class NodeDeliveries {

    /** The sender ids' column is 64 characters wide: the node part is cut to leave room for the rest. */
    private static final int MAX_NODE_LENGTH = 54;

    private final Database database;

    NodeDeliveries(Database database) {
        this.database = database;
    }

    /** One node's part in an edition: rows sent, and rows claimed and not sent yet. */
    public record Counts(int sent, int claimed) {
    }

    /** This process's node id: host name and process id, e.g. {@code mail-2-4711}. */
    public static String nodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        String id = host.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + ManagementFactory.getRuntimeMXBean().getPid();
        return id.length() > MAX_NODE_LENGTH ? id.substring(id.length() - MAX_NODE_LENGTH) : id;
    }

    static String senderId(String nodeId) {
        return nodeId + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The node a sender id belongs to (ids written before nodes had a part of their own count as their own node). */
    static String nodeOf(String senderId) {
        int slash = senderId.lastIndexOf('/');
        return slash < 0 ? senderId : senderId.substring(0, slash);
    }

    /** The edition's rows per node: sent (marked or folded) and claimed. */
    Map<String, Counts> byNode(long editionId) {
        return database.withConnection(connection -> {
            Map<String, int[]> counts = new TreeMap<>();
            try (PreparedStatement ps = connection.prepareStatement("""
                    select d.claimed_by,
                        sum(case when d.state = 'sent' or m.delivery_id is not null then 1 else 0 end),
                        sum(case when d.state = 'sending' and m.delivery_id is null then 1 else 0 end)
                    from deliveries d left join delivery_sent m on m.delivery_id = d.id
                    where d.edition_id = ? and d.claimed_by is not null and d.state in ('sent', 'sending')
                    group by d.claimed_by""")) {
                ps.setLong(1, editionId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int[] node = counts.computeIfAbsent(nodeOf(rs.getString(1)), k -> new int[2]);
                        node[0] += rs.getInt(2);
                        node[1] += rs.getInt(3);
                    }
                }
            }
            Map<String, Counts> result = new TreeMap<>();
            counts.forEach((node, c) -> result.put(node, new Counts(c[0], c[1])));
            return result;
        });
    }

    /** Sent rows per node over every edition, for {@code /metrics}. */
    public static Map<String, Integer> sentPerNode(Database database) {
        return database.withConnection(connection -> {
            Map<String, Integer> sent = new TreeMap<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "select claimed_by, count(*) from deliveries where state = 'sent' and claimed_by is not null"
                            + " group by claimed_by");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sent.merge(nodeOf(rs.getString(1)), rs.getInt(2), Integer::sum);
                }
            }
            return sent;
        });
    }
}
