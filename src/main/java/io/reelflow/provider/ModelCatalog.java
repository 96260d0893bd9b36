package io.reelflow.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.reelflow.config.ModelConfig;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.FrameSize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The models a campaign route may name (configuration {@code reelflow.models.*}) and what each can make.
 * A model is available only when its provider is configured in this deployment. Every job is checked
 * against the catalog before it is created, with reasons that name the model and its allowed values.
 */
@ApplicationScoped
public class ModelCatalog {

    private final ReelflowConfig config;
    private final Set<String> providers;

    @Inject
    public ModelCatalog(ReelflowConfig config, Providers providers) {
        this(config, providers.names());
    }

    public ModelCatalog(ReelflowConfig config, Set<String> enabledProviders) {
        this.config = config;
        this.providers = Set.copyOf(enabledProviders);
    }

    /** Models whose provider is configured here, sorted by name. */
    public List<String> available() {
        return config.models().entrySet().stream()
                .filter(e -> providers.contains(e.getValue().provider()) && retiredHere(e.getValue()).isEmpty())
                .map(java.util.Map.Entry::getKey)
                .sorted()
                .toList();
    }

    public Optional<ModelConfig> find(String name) {
        return Optional.ofNullable(config.models().get(name)).filter(m -> providers.contains(m.provider()));
    }

    /**
     * The next model of {@code remaining} (a route's untried models, in order) that can be called here and can make
     * this job, with the models passed over; empty when none can.
     */
    public Optional<String> nextModel(List<String> remaining, int seconds, FrameSize size, boolean referenceImage,
            boolean needsImage) {
        for (String model : remaining) {
            if (cannotRender(model, seconds, size, referenceImage).isEmpty() && (!needsImage || takesImage(model))) {
                return Optional.of(model);
            }
        }
        return Optional.empty();
    }

    /** Whether the catalog has a model of this name (whether or not it can be called here). */
    public boolean known(String name) {
        return config.models().containsKey(name);
    }

    /** Why {@code name} cannot be used here, if it cannot. */
    public Optional<String> unavailable(String name) {
        ModelConfig model = config.models().get(name);
        if (model == null) {
            return Optional.of("names unknown model '" + name + "'; available models: " + available());
        }
        if (!providers.contains(model.provider())) {
            return Optional.of("model '" + name + "' runs on provider '" + model.provider()
                    + "', which is not configured in this deployment; available models: " + available());
        }
        Optional<String> retired = retiredHere(model);
        if (retired.isPresent()) {
            return Optional.of("model '" + name + "' " + retired.get() + "; available models: " + available());
        }
        return Optional.empty();
    }

    /**
     * Why a retired model cannot be called where its provider points now: it was retired on the host its
     * provider's base URL names. Through another endpoint serving the same contract (a gateway) it stays usable.
     */
    private Optional<String> retiredHere(ModelConfig model) {
        if (model.retired().isEmpty()) {
            return Optional.empty();
        }
        String[] hostAndDate = model.retired().get().trim().split("\\s+", 2);
        String host = ReelflowConfig.remote(config, model.provider()).flatMap(r -> r.baseUrl())
                .map(ModelCatalog::host).orElse("");
        if (!host.equalsIgnoreCase(hostAndDate[0])) {
            return Optional.empty();
        }
        return Optional.of("was retired on " + hostAndDate[0] + (hostAndDate.length > 1 ? " on " + hostAndDate[1] : "")
                + "; set reelflow.providers." + model.provider() + ".base-url to a gateway that still serves it");
    }

    private static String host(String url) {
        try {
            String host = java.net.URI.create(url.trim()).getHost();
            return host == null ? "" : host;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** Whether {@code model} can be called here: known, its provider configured, not retired where it points. */
    public boolean callable(String model) {
        return unavailable(model).isEmpty();
    }

    /** Every reason why {@code name} cannot make this clip; empty when it can. */
    public List<String> cannotRender(String name, int seconds, FrameSize size, boolean referenceImage) {
        List<String> reasons = new ArrayList<>();
        Optional<String> unavailable = unavailable(name);
        if (unavailable.isPresent()) {
            reasons.add(unavailable.get());
            return reasons;
        }
        ModelConfig model = config.models().get(name);
        Optional<FrameSize> call = callSize(model, size);
        FrameSize at = call.orElse(size);
        if (callSeconds(model, seconds, at).isEmpty() && !model.referenceImage()) {
            reasons.add("model '" + name + "' cannot make " + seconds + "-second clips: it makes "
                    + lengths(model, at) + " seconds in one call" + (model.highSeconds().isPresent() ? " at " + at : "")
                    + " and takes no reference image to chain longer clips from segments");
        }
        if (call.isEmpty()) {
            reasons.add("model '" + name + "' cannot make " + size + "; it makes " + model.sizes());
        }
        if (referenceImage && !model.referenceImage()) {
            reasons.add("model '" + name + "' takes no reference image");
        }
        return reasons;
    }

    /**
     * The provider calls that make {@code seconds} at {@code size}: one call when the model makes the length
     * (or a longer one, which is cut), otherwise segments of its longest length and then the shortest length
     * that covers the rest, each started from the previous segment's last frame. Empty when it cannot.
     */
    public List<Call> plan(String name, int seconds, FrameSize size) {
        ModelConfig model = config.models().get(name);
        if (model == null) {
            return List.of();
        }
        Optional<FrameSize> callSize = callSize(model, size);
        if (callSize.isEmpty()) {
            return List.of();
        }
        Optional<Integer> single = callSeconds(model, seconds, callSize.get());
        if (single.isPresent()) {
            return List.of(new Call(single.get(), callSize.get()));
        }
        if (!model.referenceImage()) {
            return List.of();
        }
        int longest = lengths(model, callSize.get()).stream().max(Integer::compare).orElseThrow();
        List<Call> segments = new ArrayList<>();
        int left = seconds;
        while (left > longest) {
            segments.add(new Call(longest, callSize.get()));
            left -= longest;
        }
        segments.add(new Call(callSeconds(model, left, callSize.get()).orElseThrow(), callSize.get()));
        return segments;
    }

    /** One provider call: its length and frame size (the result is cut and fitted to the job afterwards). */
    public record Call(int seconds, FrameSize size) {
    }

    /**
     * The job's length if the model makes it at {@code size}, else the shortest longer length (the clip is then
     * cut).
     */
    static Optional<Integer> callSeconds(ModelConfig model, int seconds, FrameSize size) {
        return lengths(model, size).stream().filter(s -> s >= seconds).min(Integer::compare);
    }

    /** The lengths the model makes in one call at {@code size}. */
    static List<Integer> lengths(ModelConfig model, FrameSize size) {
        boolean high = (long) size.width() * size.height() > 1280L * 720L;
        return high && model.highSeconds().isPresent() ? model.highSeconds().get() : model.seconds();
    }

    /**
     * The job's size if the model makes it, else the smallest size of the same orientation that covers it
     * (the clip is then centre-cropped and scaled to the exact frame).
     */
    static Optional<FrameSize> callSize(ModelConfig model, FrameSize size) {
        List<FrameSize> sizes = model.sizes().stream().map(ModelCatalog::parse).toList();
        if (sizes.contains(size)) {
            return Optional.of(size);
        }
        boolean portrait = size.height() > size.width();
        return sizes.stream()
                .filter(s -> (s.height() > s.width()) == portrait)
                .filter(s -> s.width() >= size.width() && s.height() >= size.height())
                .min(java.util.Comparator.comparingLong(s -> (long) s.width() * s.height()));
    }

    private static FrameSize parse(String size) {
        String[] wh = size.split("x");
        return new FrameSize(Integer.parseInt(wh[0].trim()), Integer.parseInt(wh[1].trim()));
    }

    /**
     * {@code request} as the provider is asked for call {@code segmentIndex} of it: the model's remote name, and
     * the length and size the model makes (the result is cut and fitted to the job when it lands).
     */
    public RenderRequest forCall(RenderRequest request, int segmentIndex) {
        ModelConfig model = config.models().get(request.model());
        String remote = model == null ? request.model() : model.remoteModel().orElse(request.model());
        FrameSize frame = new FrameSize(request.width(), request.height());
        List<Call> plan = plan(request.model(), request.seconds(), frame);
        Call call = segmentIndex < plan.size() ? plan.get(segmentIndex) : new Call(request.seconds(), frame);
        return new RenderRequest(request.reference(), request.model(), remote, request.prompt(), call.seconds(),
                call.size().width(), call.size().height(), request.referenceImageUrl(), request.submittedAt(), null,
                takesSeed(request.model()) ? request.seed() : null, request.createKey());
    }

    /** Whether {@code model} takes a seed. */
    public boolean takesSeed(String model) {
        return find(model).map(ModelConfig::seed).orElse(false);
    }

    /** Whether a seed chosen for {@code from} means the same to {@code to}: both take seeds, in one family. */
    public boolean sharesSeeds(String from, String to) {
        return takesSeed(from) && takesSeed(to) && family(from).equals(family(to));
    }

    /** Whether {@code model} takes a reference image as its first frame (so an approved look can carry). */
    public boolean takesImage(String model) {
        return find(model).map(ModelConfig::referenceImage).orElse(false);
    }

    private String family(String model) {
        return find(model).flatMap(ModelConfig::seedFamily).orElse(model);
    }
}
