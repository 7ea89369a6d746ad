package org.paperboy.store;

import java.sql.Connection;
import java.sql.DriverManager;

/**
 * A second process on an H2 file, as a command run while {@code serve} holds the file: connects
 * through H2's automatic server, says so on standard output, and keeps the connection until its
 * standard input closes.
 */
public final class HoldConnection {

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection(args[0], "sa", args[1])) {
            connection.createStatement().executeQuery("select 1").close();
            System.out.println("connected");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our input
            }
        }
    }
}
