package io.reelflow.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The violations found in one message so far, starting with the schema's. A field the schema found wrong gets
 * no further reasons from the rules checked after it: they would judge a value of the wrong shape.
 */
public final class Violations {

    private final List<Violation> list;
    private final Set<String> misshapen;

    public Violations(List<Violation> schemaViolations) {
        this.list = new ArrayList<>(schemaViolations);
        this.misshapen = schemaViolations.stream().map(Violation::field).collect(Collectors.toSet());
    }

    /** Adds a reason for {@code field}, unless the schema found it wrong already or the reason is known. */
    public void add(String field, String reason) {
        Violation v = new Violation(field, reason);
        if (!misshapen.contains(field) && !list.contains(v)) {
            list.add(v);
        }
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<Violation> list() {
        return List.copyOf(list);
    }
}
