package io.reelflow.review;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.intake.Violation;
import io.reelflow.messaging.Topics;
import io.reelflow.util.Transient;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumes {@code draft-reviews}. Every record ends in one short transaction: applied, refused with reasons
 * (malformed messages included, answered on {@code draft-reviews-rejected}), or recognised as a redelivery.
 */
@ApplicationScoped
public class ReviewConsumer {

    private static final Logger LOG = Logger.getLogger(ReviewConsumer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final ObjectMapper json;
    private final DecisionValidator validator;
    private final ReviewService reviews;

    public ReviewConsumer(ObjectMapper json, DecisionValidator validator, ReviewService reviews) {
        this.json = json;
        this.validator = validator;
        this.reviews = reviews;
    }

    @Incoming(Topics.DRAFT_REVIEWS)
    @Blocking
    public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
        long backoff = 100;
        while (true) {
            try {
                ReviewService.Outcome outcome = handle(record.value());
                LOG.debugf("draft-reviews %d@%d: %s", record.partition(), record.offset(), outcome);
                return;
            } catch (RuntimeException e) {
                if (!Transient.isTransient(e)) {
                    throw e;
                }
                LOG.warnf("draft-reviews %d@%d: database unavailable (%s); retrying in %d ms", record.partition(),
                        record.offset(), e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    private ReviewService.Outcome handle(String payload) {
        JsonNode root;
        try {
            root = payload == null || payload.isBlank() ? null : json.readTree(payload);
        } catch (JsonProcessingException e) {
            List<Violation> reasons = List.of(new Violation("$", "not valid JSON: " + e.getOriginalMessage()));
            return reviews.refuseMalformed(DecisionValidator.decisionId(null, payload, new ArrayList<>()), reasons,
                    payload);
        }
        DecisionValidator.Result result = validator.validate(root, payload);
        if (!result.valid()) {
            return reviews.refuseMalformed(DecisionValidator.decisionId(root, payload, new ArrayList<>()),
                    result.violations(), payload);
        }
        return reviews.apply(result.decision(), payload);
    }
}
