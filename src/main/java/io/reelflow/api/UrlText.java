package io.reelflow.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.reelflow.validation.Violation;
import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * Refuses a request whose path or query parameters, once decoded, hold a control character (U+0000 to U+001F,
 * U+007F), before any resource reads them: no id, campaign or other name Reelflow stores has one (PostgreSQL's text
 * cannot even hold U+0000), so such a request can only be a mistake or a probe, answered 400 naming the part.
 */
public class UrlText {

    private static final String REASON = "must not contain control characters (U+0000 to U+001F, U+007F)";

    @ServerRequestFilter(preMatching = true)
    void check(ContainerRequestContext request) {
        List<Violation> violations = new ArrayList<>();
        if (hasControl(request.getUriInfo().getPath())) {
            violations.add(new Violation("(path)", REASON));
        }
        for (Map.Entry<String, List<String>> parameter : request.getUriInfo().getQueryParameters().entrySet()) {
            if (hasControl(parameter.getKey()) || parameter.getValue().stream().anyMatch(UrlText::hasControl)) {
                violations.add(new Violation(printable(parameter.getKey()) + " (query)", REASON));
            }
        }
        if (!violations.isEmpty()) {
            throw new ApiException(400, "Bad request", "the request's address has " + violations.size()
                    + " problem(s)", violations);
        }
    }

    static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    /** A parameter's name as it can be shown: its control characters as \\uXXXX. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        name.chars().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c)
                : String.valueOf((char) c)));
        return out.toString();
    }
}
