package io.reelflow.messaging;

import java.util.Optional;
import java.util.regex.Pattern;

import io.reelflow.config.ReelflowConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Which topic a message travels on. In a shared-topic deployment every team uses the topics of {@link Topics}. With
 * {@code reelflow.kafka.team-topics}, each team has its own: {@code <topic>.<team>}, so that broker ACLs decide who
 * writes and reads them, and the team of a message is the topic it came on, whatever its body says.
 */
@ApplicationScoped
public class TeamTopics {

    /** A team id that can end a topic name: letters, digits, '_' and '-' (no '.', which would make ACLs ambiguous). */
    public static final String TEAM = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";
    private static final Pattern TEAM_ID = Pattern.compile(TEAM);

    private final boolean perTeam;

    @jakarta.inject.Inject
    public TeamTopics(ReelflowConfig config) {
        this(config.kafka().teamTopics());
    }

    public TeamTopics(boolean perTeam) {
        this.perTeam = perTeam;
    }

    public boolean perTeam() {
        return perTeam;
    }

    /** Whether {@code team} can be served here: any team with shared topics; with team topics, one whose id can end a topic name. */
    public boolean serves(String team) {
        return !perTeam || team != null && TEAM_ID.matcher(team).matches();
    }

    /** The topic {@code team}'s messages of kind {@code topic} travel on; the shared one when the team is unknown. */
    public String of(String topic, String team) {
        return perTeam && team != null && TEAM_ID.matcher(team).matches() ? ofTeam(topic, team) : topic;
    }

    /** {@code team}'s own topic of kind {@code topic}: {@code <topic>.<team>}. */
    static String ofTeam(String topic, String team) {
        return topic + "." + team;
    }

    /**
     * The team a message belongs to by the topic it came on: the suffix of {@code <topic>.<team>}; empty for a
     * shared topic, whose messages name their team themselves.
     */
    public static Optional<String> sender(String topic) {
        int dot = topic == null ? -1 : topic.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String team = topic.substring(dot + 1);
        return TEAM_ID.matcher(team).matches() ? Optional.of(team) : Optional.empty();
    }

    /** The pattern matching every team's topic of kind {@code topic}. */
    public static String pattern(String topic) {
        return topic + "\\." + TEAM;
    }
}
