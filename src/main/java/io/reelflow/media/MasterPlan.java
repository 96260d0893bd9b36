package io.reelflow.media;

import java.util.ArrayList;
import java.util.List;

/**
 * Which finals (masters) a shot pays for so that every placement it runs on can be cut from one: a portrait master
 * covers 9:16 and 4:5, a landscape master covers 16:9, and either covers 1:1. A shot pays for a second master only
 * when its placements need both orientations; its own orientation (the one its drafts were reviewed in) is preferred
 * wherever it serves.
 */
public final class MasterPlan {

    private MasterPlan() {
    }

    /** The masters of a shot drafted in {@code shot} that runs on {@code placements}, its own orientation first. */
    public static List<AspectRatio> masters(AspectRatio shot, List<Placement> placements) {
        boolean portrait = placements.stream().anyMatch(Placement::portrait);
        boolean landscape = placements.stream().anyMatch(Placement::landscape);
        List<AspectRatio> masters = new ArrayList<>();
        if (portrait && landscape || !portrait && !landscape) {
            masters.add(shot);
            if (portrait && landscape) {
                masters.add(other(shot));
            }
        } else {
            masters.add(portrait ? AspectRatio.PORTRAIT : AspectRatio.LANDSCAPE);
        }
        return masters;
    }

    /** The master {@code placement} is cut from, of the planned {@code masters} (a square one: the first). */
    public static AspectRatio masterOf(Placement placement, List<AspectRatio> masters) {
        if (placement.portrait() && masters.contains(AspectRatio.PORTRAIT)) {
            return AspectRatio.PORTRAIT;
        }
        if (placement.landscape() && masters.contains(AspectRatio.LANDSCAPE)) {
            return AspectRatio.LANDSCAPE;
        }
        return masters.get(0);
    }

    public static AspectRatio other(AspectRatio aspect) {
        return aspect == AspectRatio.LANDSCAPE ? AspectRatio.PORTRAIT : AspectRatio.LANDSCAPE;
    }
}
