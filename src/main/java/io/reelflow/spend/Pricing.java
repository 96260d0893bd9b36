package io.reelflow.spend;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

import io.reelflow.config.ModelConfig;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.FrameSize;
import io.reelflow.provider.ModelCatalog;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What provider calls cost at the catalog's prices: seconds of video asked for (a longer clip that is cut is
 * paid in full; every segment is paid) times the model's price per second at the frame's resolution.
 */
@ApplicationScoped
public class Pricing {

    private final ReelflowConfig config;
    private final ModelCatalog catalog;

    public Pricing(ReelflowConfig config, ModelCatalog catalog) {
        this.config = config;
        this.catalog = catalog;
    }

    /** The price of one call of {@code seconds} for a job of frame {@code frame} on {@code model}. */
    public BigDecimal call(String model, int seconds, FrameSize frame) {
        ModelConfig m = config.models().get(model);
        if (m == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal perSecond = ultra(frame) ? m.pricePerSecond().ultra().orElse(m.pricePerSecond().high())
                : high(frame) ? m.pricePerSecond().high() : m.pricePerSecond().standard();
        return perSecond.multiply(BigDecimal.valueOf(seconds)).setScale(2, RoundingMode.HALF_UP);
    }

    /**
     * The whole seconds a delivered clip is billed as: its probed length rounded to the nearest second (a 5.04 s
     * clip is a 5-second clip), at least one.
     */
    public static int billedSeconds(double probedSeconds) {
        return (int) Math.max(1, Math.round(probedSeconds));
    }

    /** The price of a whole job: every call of its plan. */
    public BigDecimal job(String model, int seconds, FrameSize frame) {
        List<ModelCatalog.Call> plan = catalog.plan(model, seconds, frame);
        BigDecimal total = BigDecimal.ZERO;
        for (ModelCatalog.Call call : plan) {
            total = total.add(call(model, call.seconds(), frame));
        }
        return total;
    }

    /** 4k: a short side of 2160 pixels or more. */
    static boolean ultra(FrameSize frame) {
        return Math.min(frame.width(), frame.height()) >= 2160;
    }

    /** High resolution is anything above 720p (1024p finals). */
    static boolean high(FrameSize frame) {
        return (long) frame.width() * frame.height() > 1280L * 720L;
    }
}
