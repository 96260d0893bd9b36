package io.reelflow.review;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

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

    private final DecisionValidator validator;
    private final ReviewService reviews;

    public ReviewConsumer(DecisionValidator validator, ReviewService reviews) {
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
        DecisionValidator.Result result = validator.read(payload);
        if (!result.valid()) {
            return reviews.refuseMalformed(result.decisionId(), result.violations(), payload);
        }
        return reviews.apply(result.decision(), payload);
    }
}
