package io.reelflow.api;

import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.RequestScoped;

/**
 * Who the current API request acts as, set from its credential by {@link Authentication}: a team, the roles it holds
 * there, and for a person signed in with the OpenID provider, their name.
 */
@RequestScoped
public class Caller {

    private String team;
    private Set<Role> roles = Set.of();
    private String person;

    void authenticated(String team, Set<Role> roles, String person) {
        this.team = team;
        this.roles = Set.copyOf(roles);
        this.person = person;
    }

    /** The caller's team, for reading: any of the three roles will do. */
    public String team() {
        if (team == null) {
            throw new ApiException(401, "Unauthorized", "an API key or a signed-in user is required", null);
        }
        if (roles.isEmpty()) {
            throw new ApiException(403, "Forbidden", "you are signed in for team '" + team + "' but hold none of"
                    + " Reelflow's roles (submitter, reviewer, viewer); ask your identity provider's administrator", null);
        }
        return team;
    }

    /** The caller's team, when the caller holds {@code role} there; 403 otherwise. */
    public String team(Role role) {
        String known = team();
        if (!roles.contains(role)) {
            throw new ApiException(403, "Forbidden", "this needs the role '" + role.wireName() + "'; you hold "
                    + roles.stream().map(Role::wireName).sorted().collect(Collectors.joining(", ")) + " for team '"
                    + known + "'", null);
        }
        return known;
    }

    public Set<Role> roles() {
        return roles;
    }

    /** The signed-in person's name; null for an API key. */
    public String person() {
        return person;
    }
}
