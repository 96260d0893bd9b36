package io.reelflow.delivery;

import java.util.List;
import java.util.UUID;

import io.reelflow.campaign.Brand;
import io.reelflow.media.Captions;
import io.reelflow.media.Deliverables;
import io.reelflow.media.Placement;
import io.reelflow.provenance.Origin;

/**
 * One placement file to make: from which master, where it goes, how it is framed, its shot's captions, the
 * batch's brand kit (null when none) and where the batch's logo is kept once fetched.
 */
public record DeliveryTask(UUID id, String label, String masterKey, String objectKey, Placement placement,
        Deliverables.Focus focus, List<Captions.Cue> cues, Brand brand, String logoKey, Origin origin) {

    /**
     * What was stored: caption keys (null without captions), the file's digest, size and measures, and the label of
     * its content credentials (null: none).
     */
    public record Made(String vttKey, String srtKey, String sha256, long sizeBytes, double seconds, int width,
            int height, Double integratedLufs, Double truePeakDbtp, int passes,
            io.reelflow.provenance.ContentCredentials.Signed credentials) {
    }
}
