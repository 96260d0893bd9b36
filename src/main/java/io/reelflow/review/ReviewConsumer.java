package io.reelflow.review;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.validation.Violation;
import io.reelflow.messaging.Topics;
import io.reelflow.persistence.Transient;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumes {@code draft-reviews}. Every record ends in one short transaction: applied, refused with reasons
 * (malformed messages included, answered on {@code draft-reviews-rejected}), or recognised as a redelivery.
 */
@ApplicationScoped
public class ReviewConsumer {

    private static final Logger LOG = Logger.getLogger(ReviewConsumer.class);

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
        ReviewService.Outcome outcome = Transient.retrying("draft-reviews " + record.partition() + "@"
                + record.offset(), () -> handle(record.value()), LOG);
        LOG.debugf("draft-reviews %d@%d: %s", record.partition(), record.offset(), outcome);
    }

    private ReviewService.Outcome handle(String payload) {
        JsonNode root;
        try {
            root = payload == null || payload.isBlank() ? null : json.readTree(payload);
        } catch (JsonProcessingException e) {
            List<Violation> reasons = List.of(new Violation("$", "not valid JSON: " + e.getOriginalMessage()));
            return reviews.refuseMalformed(DecisionValidator.decisionId(null, payload), reasons,
                    payload);
        }
        DecisionValidator.Result result = validator.validate(root, payload);
        if (!result.valid()) {
            return reviews.refuseMalformed(DecisionValidator.decisionId(root, payload),
                    result.violations(), payload);
        }
        return reviews.apply(result.decision(), payload);
    }
}
