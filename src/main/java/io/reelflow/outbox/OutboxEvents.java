package io.reelflow.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads the outbox as a log: the events of one key after a given one, in order. Each read takes a connection
 * for one statement only, so long-lived readers (event streams) hold no connection while they wait.
 */
@ApplicationScoped
public class OutboxEvents {

    /** An event as stored: its position in the outbox, its type and its JSON. */
    public record Stored(long id, String type, String payload) {
    }

    private final DataSource dataSource;

    public OutboxEvents(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Up to {@code limit} events on {@code topic} with {@code key} after position {@code after}, oldest first. */
    public List<Stored> after(String topic, String key, long after, int limit) throws SQLException {
        List<Stored> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select id, event_type, payload from outbox_event"
                        + " where message_key = ? and topic = ? and id > ? order by id limit ?")) {
            s.setString(1, key);
            s.setString(2, topic);
            s.setLong(3, after);
            s.setInt(4, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    events.add(new Stored(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return events;
    }
}
