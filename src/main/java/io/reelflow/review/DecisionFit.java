package io.reelflow.review;

import java.util.List;

import io.reelflow.campaign.Shot;
import io.reelflow.job.Job;
import io.reelflow.job.Stage;
import io.reelflow.validation.Violation;

/** Whether a valid decision fits the shot as it is now: its state, its latest revision, its draft's length. */
public final class DecisionFit {

    private DecisionFit() {
    }

    /** Why {@code d} cannot be applied to {@code shot} now; empty when it can. */
    public static List<Violation> problems(Shot shot, Decision d) {
        String state = d.onFinal() ? finalState(shot, d.revision()) : draftState(shot, d.revision());
        if (state != null) {
            return List.of(new Violation("revision", state));
        }
        if (d.fromSecond() != null) {
            int seconds = Job.of(shot, Stage.DRAFT, d.revision()).map(j -> j.seconds).orElse(0);
            if (d.fromSecond() >= seconds) {
                return List.of(new Violation("fromSecond", d.fromSecond() + " is past the end of the " + seconds
                        + "-second draft; the final starts from a frame within it"));
            }
        }
        return List.of();
    }

    private static String draftState(Shot shot, int revision) {
        String closed = closed(shot);
        if (closed != null) {
            return closed;
        }
        if (shot.state == Shot.State.FINALIZING || shot.state == Shot.State.AWAITING_FINAL_REVIEW) {
            return "shot '" + shot.shotKey + "' was already approved; its final is being made or awaits sign-off"
                    + " (decide on it with stage 'final')";
        }
        String latest = latest(shot, revision);
        if (latest != null) {
            return latest;
        }
        if (shot.state != Shot.State.AWAITING_REVIEW) {
            return "revision " + revision + " of shot '" + shot.shotKey + "' has not landed yet (shot is "
                    + shot.state + ")";
        }
        return null;
    }

    private static String finalState(Shot shot, int revision) {
        String closed = closed(shot);
        if (closed != null) {
            return closed;
        }
        if (shot.state != Shot.State.AWAITING_FINAL_REVIEW) {
            return "shot '" + shot.shotKey + "' has no final awaiting sign-off (shot is " + shot.state + ")";
        }
        return latest(shot, revision);
    }

    private static String closed(Shot shot) {
        return shot.state.closed() ? "shot '" + shot.shotKey + "' is closed (" + shot.state
                + "); it takes no more decisions" : null;
    }

    private static String latest(Shot shot, int revision) {
        return revision == shot.currentRevision ? null : "revision " + revision + " is not the latest draft of shot '"
                + shot.shotKey + "'; the latest is revision " + shot.currentRevision;
    }
}
