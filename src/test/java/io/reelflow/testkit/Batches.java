package io.reelflow.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Campaign batch messages for tests. */
public final class Batches {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] SCENES = {
        "Slow dolly in on a ceramic cup on a marble counter at golden hour, steam rising; soft cafe chatter.",
        "Handheld tracking shot through a neon night market, light rain; sizzling woks and distant voices.",
        "Drone shot tilting down onto a misty pine ridge at sunrise; wind in the trees and a hawk calling.",
        "Slow pan across a quiet harbour at blue hour, boats rocking; gulls, ropes creaking, soft waves.",
        "Orbit around a bicycle leaning on a brick wall under a warm street lamp at night; crickets chirping.",
    };

    private Batches() {
    }

    /** A valid batch of {@code shots} shots, alternating landscape and portrait. */
    public static ObjectNode valid(String team, String batchId, int shots) {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        batch.put("team", team);
        batch.put("campaign", "spring-launch");
        batch.putObject("defaults").put("aspectRatio", "landscape");
        ArrayNode list = batch.putArray("shots");
        for (int i = 0; i < shots; i++) {
            ObjectNode shot = list.addObject();
            shot.put("shotId", String.format("s%02d", i + 1));
            shot.put("prompt", SCENES[i % SCENES.length] + " Take " + (i + 1) + ".");
            if (i % 2 == 1) {
                shot.put("aspectRatio", "portrait");
            }
        }
        return batch;
    }

    public static String json(ObjectNode node) {
        return node.toString();
    }
}
