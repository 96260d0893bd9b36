package io.reelflow.spend;

import java.util.UUID;

import io.reelflow.media.FrameSize;

/** One paid provider call as the ledger sees it: whose it is, which model, and which segment of which job. */
public record SpendCall(UUID jobId, int segmentIndex, String team, String campaign, String batchKey, String model,
        String provider, FrameSize frame) {
}
