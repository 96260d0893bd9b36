package io.reelflow.api;

import jakarta.enterprise.context.RequestScoped;

/** The team the current API request acts for, set from its credential by {@link Authentication}. */
@RequestScoped
public class Caller {

    private String team;

    void authenticated(String team) {
        this.team = team;
    }

    public String team() {
        if (team == null) {
            throw new ApiException(401, "Unauthorized", "an API key is required", null);
        }
        return team;
    }
}
