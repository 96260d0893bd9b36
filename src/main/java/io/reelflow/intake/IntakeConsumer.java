package io.reelflow.intake;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.intake.BatchIntake.Outcome;
import io.reelflow.intake.BatchIntake.Source;
import io.reelflow.messaging.Topics;
import io.reelflow.persistence.Transient;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumes {@code campaign-batches}. Each record ends in one short transaction: accepted, recognised as a
 * re-send, or rejected with reasons. A record that is not JSON is nacked and goes to the dead-letter topic
 * with the reason in its headers. Only a passing database outage holds the partition, and only until the
 * database answers again.
 */
@ApplicationScoped
public class IntakeConsumer {

    private static final Logger LOG = Logger.getLogger(IntakeConsumer.class);

    private final ObjectMapper json;
    private final BatchValidator validator;
    private final BatchIntake intake;

    public IntakeConsumer(ObjectMapper json, BatchValidator validator, BatchIntake intake) {
        this.json = json;
        this.validator = validator;
        this.intake = intake;
    }

    @Incoming(Topics.CAMPAIGN_BATCHES)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
        String payload = record.value();
        Source source = new Source(record.topic(), record.partition(), record.offset());
        JsonNode root = parse(payload);
        Outcome outcome = Transient.retrying("campaign-batches " + record.partition() + "@" + record.offset(),
                () -> handle(root, payload, source), LOG);
        LOG.debugf("campaign-batches %d@%d: %s", record.partition(), record.offset(), outcome);
    }

    private Outcome handle(JsonNode root, String payload, Source source) {
        BatchValidator.Result result = validator.validate(root);
        if (!result.valid()) {
            return intake.reject(text(root, "batchId"), text(root, "team"), result.violations(), payload, source);
        }
        try {
            return intake.accept(result.batch(), payload, source);
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                // Another replica stored the same batch id at the same moment; this pass sees it as stored.
                return intake.accept(result.batch(), payload, source);
            }
            throw e;
        }
    }

    private JsonNode parse(String payload) {
        if (payload == null || payload.isBlank()) {
            throw new UnreadableBatchException("empty message: a campaign batch must be a JSON object", null);
        }
        try {
            return json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new UnreadableBatchException("not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
    }

    private static String text(JsonNode root, String field) {
        if (root == null || !root.isObject()) {
            return null;
        }
        JsonNode node = root.get(field);
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    private static boolean isUniqueViolation(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
