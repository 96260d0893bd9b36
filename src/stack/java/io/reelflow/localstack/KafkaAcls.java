package io.reelflow.localstack;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on Kafka, the same ACLs as the {@code KafkaUser} resources of {@code k8s/} (a test holds the two
 * together). The service reads and writes every topic of its three kinds; a team writes only its own input topics
 * and reads only its own answers. Team topics are granted by literal name, not by prefix: a prefix
 * {@code campaign-batches.acme} would also cover team {@code acme-eu}'s {@code campaign-batches.acme-eu}.
 */
public final class KafkaAcls {

    /** The service's principal. */
    public static final String SERVICE = "reelflow";
    /** Topic kinds a team writes to. */
    public static final List<String> TEAM_WRITES = List.of("campaign-batches", "draft-reviews");
    /** Topic kinds a team reads. */
    public static final List<String> TEAM_READS = List.of("video-events", "campaign-batches-rejected",
            "campaign-batches-dlq", "draft-reviews-rejected", "draft-reviews-dlq");
    /** Every topic kind; each team has one of each. */
    public static final List<String> TEAM_TOPICS = List.of("campaign-batches", "campaign-batches-rejected",
            "campaign-batches-dlq", "draft-reviews", "draft-reviews-rejected", "draft-reviews-dlq", "video-events");

    private KafkaAcls() {
    }

    /** The principal name of a team. */
    public static String teamPrincipal(String team) {
        return "team-" + team;
    }

    public static List<AclBinding> service() {
        List<AclBinding> acls = new ArrayList<>();
        for (String prefix : List.of("campaign-batches", "draft-reviews", "video-events")) {
            for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE,
                    AclOperation.CREATE)) {
                acls.add(allow(SERVICE, ResourceType.TOPIC, prefix, PatternType.PREFIXED, op));
            }
        }
        acls.add(allow(SERVICE, ResourceType.GROUP, "reelflow-", PatternType.PREFIXED, AclOperation.READ));
        return acls;
    }

    public static List<AclBinding> team(String team) {
        String principal = teamPrincipal(team);
        List<AclBinding> acls = new ArrayList<>();
        for (String kind : TEAM_WRITES) {
            acls.add(allow(principal, ResourceType.TOPIC, kind + "." + team, PatternType.LITERAL, AclOperation.WRITE));
            acls.add(allow(principal, ResourceType.TOPIC, kind + "." + team, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        for (String kind : TEAM_READS) {
            acls.add(allow(principal, ResourceType.TOPIC, kind + "." + team, PatternType.LITERAL, AclOperation.READ));
            acls.add(allow(principal, ResourceType.TOPIC, kind + "." + team, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        // Consumer groups named "<team>.<anything>": the '.' cannot occur in a team id, so no team's prefix covers
        // another's groups.
        acls.add(allow(principal, ResourceType.GROUP, team + ".", PatternType.PREFIXED, AclOperation.READ));
        return acls;
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
    }
}
