package io.reelflow.review;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.reelflow.messaging.Inbound;
import io.reelflow.messaging.Topics;
import io.reelflow.validation.Violation;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.reelflow.persistence.Transient;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Consumes {@code draft-reviews} (or every team's {@code draft-reviews.<team>}). Every record ends in one short
 * transaction: applied, refused with reasons (malformed messages included, and a decision on a team's topic naming
 * another team, answered on the sender's {@code draft-reviews-rejected}), or recognised as a redelivery.
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
    // Not ordered here: the connector keeps each key's records (one shot's decisions) in order and lets up to
    // throttled.ordered.max-concurrency keys run at once.
    @Blocking(ordered = false)
    public CompletionStage<Void> consume(IncomingKafkaRecord<String, byte[]> record) throws InterruptedException {
        Inbound message = Inbound.of(record);
        try {
            ReviewService.Outcome outcome = Transient.retrying(message.position(), () -> handle(message), LOG);
            LOG.debugf("%s: %s", message.position(), outcome);
            return message.ack();
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s could not be taken", message.position());
            return message.deadLetter(e, Topics.DRAFT_REVIEWS_DLQ);
        }
    }

    private ReviewService.Outcome handle(Inbound message) {
        DecisionValidator.Result result = validator.read(message.text());
        Optional<Violation> claim = message.claim(result.team());
        if (!result.valid() || claim.isPresent()) {
            List<Violation> reasons = new java.util.ArrayList<>(result.valid() ? List.of() : result.violations());
            claim.ifPresent(reasons::add);
            return reviews.refuse(result.decisionId(), message.answerTo(result.team()), reasons, message.payload());
        }
        return reviews.apply(result.decision(), message.payload());
    }
}
