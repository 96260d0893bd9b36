package io.reelflow.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.storage.Hashing;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The API keys a deployment accepts, from {@code reelflow.api.keys}: each entry is {@code team:sha256[:roles]}, the
 * team a key acts for, the hex SHA-256 of the key, and optionally its roles joined by {@code +}
 * ({@code acme:…:viewer}, {@code acme:…:submitter+reviewer}); without roles a key has all three. Only hashes are
 * configured; a presented key is hashed and looked up, so keys never sit in configuration or logs.
 */
@ApplicationScoped
public class ApiKeys {

    private static final Pattern ENTRY = Pattern.compile(
            "([A-Za-z0-9][A-Za-z0-9._-]{0,63}):([0-9a-fA-F]{64})(?::([a-z]+(?:\\+[a-z]+)*))?");

    /** Who a key acts as: its team and what it may do. */
    public record Holder(String team, java.util.Set<Role> roles) {
    }

    private final Map<String, Holder> byHash = new HashMap<>();

    @jakarta.inject.Inject
    public ApiKeys(ReelflowConfig config) {
        this(config.api().keys().orElse(List.of()));
    }

    ApiKeys(List<String> entries) {
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            var m = ENTRY.matcher(entry.trim());
            if (!m.matches()) {
                // The entry is not echoed: it may be a key pasted where its hash belongs.
                throw new IllegalArgumentException("reelflow.api.keys: an entry is not team:sha256[:roles] (a team id,"
                        + " a colon, 64 hex digits of the key's SHA-256, optionally a colon and roles joined by '+')");
            }
            EnumSet<Role> roles = EnumSet.allOf(Role.class);
            if (m.group(3) != null) {
                roles = EnumSet.noneOf(Role.class);
                for (String name : m.group(3).split("\\+")) {
                    roles.add(Role.of(name).orElseThrow(() -> new IllegalArgumentException("reelflow.api.keys: '"
                            + name + "' is not a role; use submitter, reviewer or viewer")));
                }
            }
            byHash.put(m.group(2).toLowerCase(), new Holder(m.group(1), java.util.Set.copyOf(roles)));
        }
    }

    /** Who a presented key acts as. */
    public Optional<Holder> holder(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank()) {
            return Optional.empty();
        }
        byte[] digest = Hashing.sha256().digest(presentedKey.trim().getBytes(StandardCharsets.UTF_8));
        String hash = HexFormat.of().formatHex(digest);
        for (Map.Entry<String, Holder> known : byHash.entrySet()) {
            if (MessageDigest.isEqual(known.getKey().getBytes(StandardCharsets.US_ASCII),
                    hash.getBytes(StandardCharsets.US_ASCII))) {
                return Optional.of(known.getValue());
            }
        }
        return Optional.empty();
    }

    public boolean configured() {
        return !byHash.isEmpty();
    }

    /** The entry to configure for {@code key} acting for {@code team}, with {@code roles} (all three when none). */
    public static String entry(String team, String key, Role... roles) {
        String entry = team + ":" + HexFormat.of().formatHex(Hashing.sha256().digest(key.getBytes(StandardCharsets.UTF_8)));
        return roles.length == 0 ? entry
                : entry + ":" + String.join("+", java.util.Arrays.stream(roles).map(Role::wireName).toList());
    }
}
