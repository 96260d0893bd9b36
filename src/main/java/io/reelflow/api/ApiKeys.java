package io.reelflow.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.storage.Hashing;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The API keys a deployment accepts, from {@code reelflow.api.keys}: each entry is {@code team:sha256}, the team
 * a key acts for and the hex SHA-256 of the key. Only hashes are configured; a presented key is hashed and
 * looked up, so keys never sit in configuration or logs.
 */
@ApplicationScoped
public class ApiKeys {

    private static final Pattern ENTRY = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,63}):([0-9a-fA-F]{64})");

    private final Map<String, String> teamByHash = new HashMap<>();

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
                throw new IllegalArgumentException("reelflow.api.keys: an entry is not team:sha256 (a team id, a colon,"
                        + " 64 hex digits of the key's SHA-256)");
            }
            teamByHash.put(m.group(2).toLowerCase(), m.group(1));
        }
    }

    /** The team a presented key acts for. */
    public Optional<String> team(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank()) {
            return Optional.empty();
        }
        byte[] digest = Hashing.sha256().digest(presentedKey.trim().getBytes(StandardCharsets.UTF_8));
        String hash = HexFormat.of().formatHex(digest);
        for (Map.Entry<String, String> known : teamByHash.entrySet()) {
            if (MessageDigest.isEqual(known.getKey().getBytes(StandardCharsets.US_ASCII),
                    hash.getBytes(StandardCharsets.US_ASCII))) {
                return Optional.of(known.getValue());
            }
        }
        return Optional.empty();
    }

    public boolean configured() {
        return !teamByHash.isEmpty();
    }

    /** The entry to configure for {@code key} acting for {@code team}. */
    public static String entry(String team, String key) {
        return team + ":" + HexFormat.of().formatHex(Hashing.sha256().digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
