package io.reelflow.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.reelflow.validation.Violation;

/**
 * The one error format of the REST API (RFC 9457 problem details, {@code application/problem+json}): a
 * {@code title} per kind of problem, a {@code detail} for this occurrence, and for bad input every
 * {@code violations} entry naming the field and the reason.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
