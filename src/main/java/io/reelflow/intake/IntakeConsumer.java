package io.reelflow.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.intake.BatchIntake.Outcome;
import io.reelflow.intake.BatchIntake.Source;
import io.reelflow.messaging.Inbound;
import io.reelflow.messaging.Topics;
import io.reelflow.persistence.Transient;
import io.reelflow.validation.JsonText;
import io.reelflow.validation.Violation;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumes {@code campaign-batches} (or every team's {@code campaign-batches.<team>}). Each record ends in one short
 * transaction: accepted, recognised as a re-send, or rejected with reasons, on the sender's rejected topic. A batch
 * on a team's topic that names another team is rejected. A record that is not JSON in UTF-8 goes, unchanged, to the
 * sender's dead-letter topic with the reason in its headers. Only a passing database outage holds the partition, and
 * only until the database answers again.
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
    public CompletionStage<Void> consume(IncomingKafkaRecord<String, byte[]> record) throws InterruptedException {
        Inbound message = Inbound.of(record);
        Source source = new Source(record.getTopic(), record.getPartition(), record.getOffset());
        JsonNode root;
        try {
            root = parse(message);
        } catch (UnreadableBatchException e) {
            return message.deadLetter(e, Topics.CAMPAIGN_BATCHES_DLQ);
        }
        try {
            Outcome outcome = Transient.retrying(message.position(), () -> handle(root, message, source), LOG);
            LOG.debugf("%s: %s", message.position(), outcome);
            return message.ack();
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s could not be taken", message.position());
            return message.deadLetter(e, Topics.CAMPAIGN_BATCHES_DLQ);
        }
    }

    private Outcome handle(JsonNode root, Inbound message, Source source) {
        String claimed = text(root, "team");
        BatchValidator.Result result = validator.validate(root);
        List<Violation> reasons = new ArrayList<>(result.valid() ? List.of() : result.violations());
        message.claim(claimed).ifPresent(reasons::add);
        if (!reasons.isEmpty()) {
            return intake.reject(text(root, "batchId"), message.answerTo(claimed), reasons, message.payload(), source);
        }
        try {
            return intake.accept(result.batch(), message.payload(), source);
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                // Another replica stored the same batch id at the same moment; this pass sees it as stored.
                return intake.accept(result.batch(), message.payload(), source);
            }
            throw e;
        }
    }

    private JsonNode parse(Inbound message) {
        if (message.notUtf8().isPresent()) {
            throw new UnreadableBatchException(message.notUtf8().get(), null);
        }
        String payload = message.payload();
        if (payload == null || payload.isBlank()) {
            throw new UnreadableBatchException("empty message: a campaign batch must be a JSON object", null);
        }
        try {
            return JsonText.read(json, payload);
        } catch (JsonProcessingException e) {
            throw new UnreadableBatchException(JsonText.why(e), e);
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
