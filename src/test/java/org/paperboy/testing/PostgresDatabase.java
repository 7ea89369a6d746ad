package org.paperboy.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh PostgreSQL database on 127.0.0.1:5432 for one test, dropped afterwards. The server is
 * the one the machine runs (CI starts it); the database name is random, so runs never meet.
 */
public final class PostgresDatabase implements AutoCloseable {

    public static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    public static final String USER = "postgres";

    private final String name = "paperboy_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    public PostgresDatabase() throws SQLException {
        try (Connection admin = DriverManager.getConnection(ADMIN_URL, USER, "");
             Statement statement = admin.createStatement()) {
            statement.execute("create database " + name);
        }
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:5432/" + name;
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = DriverManager.getConnection(ADMIN_URL, USER, "");
             Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
        }
    }
}
