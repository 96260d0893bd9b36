package io.reelflow.localstack;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * How a client reaches the stack's Kafka as one principal: the bootstrap servers and the security settings (SASL
 * SCRAM-SHA-512 on the embedded broker; none on a broker given in the environment or run by Testcontainers).
 */
public record KafkaAccess(String bootstrapServers, String principal, Map<String, String> security) {

    public static KafkaAccess plaintext(String bootstrapServers) {
        return new KafkaAccess(bootstrapServers, null, Map.of());
    }

    public static KafkaAccess scram(String bootstrapServers, String user, String password) {
        Map<String, String> security = new LinkedHashMap<>();
        security.put("security.protocol", "SASL_PLAINTEXT");
        security.put("sasl.mechanism", "SCRAM-SHA-512");
        security.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return new KafkaAccess(bootstrapServers, user, Map.copyOf(security));
    }

    public boolean authenticated() {
        return !security.isEmpty();
    }

    /** Client settings for a producer, consumer or admin client acting as this principal. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.putAll(security);
        return props;
    }

    /** The same settings as the Reelflow service reads them: {@code KAFKA_*} variables. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        security.forEach((key, value) -> env.put("KAFKA_" + key.replace('.', '_').toUpperCase(Locale.ROOT), value));
        return env;
    }

    @Override
    public String toString() {
        // The JAAS line holds a password: never print it.
        return bootstrapServers + (principal == null ? "" : " as " + principal + " (SASL SCRAM-SHA-512)");
    }
}
