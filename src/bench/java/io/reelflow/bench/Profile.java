package io.reelflow.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a service's CPU went, from a Java Flight Recording: Java execution samples, plus native samples that were
 * computing in FFmpeg (native samples of threads waiting on sockets or locks are left out). Each sample goes to
 * the first library found walking from the executing frame outwards, else to the Reelflow code running it.
 */
final class Profile {

    private static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

    static {
        LIBRARIES.put("org.postgresql.", "database (JDBC, Hibernate, transactions)");
        LIBRARIES.put("org.hibernate.", "database (JDBC, Hibernate, transactions)");
        LIBRARIES.put("io.agroal.", "database (JDBC, Hibernate, transactions)");
        LIBRARIES.put("com.arjuna.", "database (JDBC, Hibernate, transactions)");
        LIBRARIES.put("software.amazon.awssdk.", "S3 client (signing, HTTP)");
        LIBRARIES.put("org.apache.kafka.", "Kafka client");
        LIBRARIES.put("io.smallrye.reactive.messaging.", "Kafka client");
        LIBRARIES.put("com.fasterxml.jackson.", "JSON");
        LIBRARIES.put("org.jboss.logmanager.", "logging");
    }

    private Profile() {
    }

    /** Share of samples per category, largest first. */
    static Map<String, Double> shares(Path recording) throws Exception {
        return shares(recording, Instant.MIN, Instant.MAX);
    }

    /** Share of the samples taken from {@code from} to {@code to} per category, largest first. */
    static Map<String, Double> shares(Path recording, Instant from, Instant to) throws Exception {
        Map<String, Integer> counts = new LinkedHashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            String type = event.getEventType().getName();
            boolean nativeSample = type.equals("jdk.NativeMethodSample");
            if (!nativeSample && !type.equals("jdk.ExecutionSample") || event.getStackTrace() == null
                    || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            // Native samples are counted only for work in native code (FFmpeg, the JDK's image codecs), not for
            // threads waiting in a socket or a poll.
            if (frames.isEmpty() || nativeSample && !isNativeWork(frames.get(0).getMethod().getType().getName())) {
                continue;
            }
            counts.merge(category(frames), 1, Integer::sum);
            total++;
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        int all = Math.max(1, total);
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> shares.put(e.getKey(), 100.0 * e.getValue() / all));
        return shares;
    }

    /** Table rows (part, share) of the {@code shown} largest parts, the rest summed as everything else. */
    static String table(Map<String, Double> shares, int shown) {
        StringBuilder out = new StringBuilder();
        double rest = 0;
        int n = 0;
        for (Map.Entry<String, Double> e : shares.entrySet()) {
            if (n++ < shown) {
                out.append(String.format(Locale.ROOT, "| %s | %.1f %% |%n", e.getKey(), e.getValue()));
            } else {
                rest += e.getValue();
            }
        }
        if (rest > 0) {
            out.append(String.format(Locale.ROOT, "| everything else | %.1f %% |%n", rest));
        }
        return out.toString();
    }

    private static boolean isNativeWork(String type) {
        return type.startsWith("org.bytedeco.") || type.startsWith("com.sun.imageio.");
    }

    private static String category(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("org.bytedeco.") || type.startsWith("com.sun.imageio.")) {
                return media(frames);
            }
            for (Map.Entry<String, String> library : LIBRARIES.entrySet()) {
                if (type.startsWith(library.getKey())) {
                    return library.getValue();
                }
            }
            if (type.startsWith("io.reelflow.")) {
                return type.contains(".media.") ? media(frames) : "Reelflow code (" + simpleName(type) + ")";
            }
        }
        return "JVM and framework (no Reelflow frame)";
    }

    private static String media(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.endsWith("PosterExtractor")) {
                return "poster: nearest keyframe, JPEG (FFmpeg)";
            }
            if (type.endsWith("MediaProbe") || type.endsWith("ClipInspector") || type.endsWith("Conformer")) {
                return "probe (FFmpeg)";
            }
            if (type.endsWith("LookCheck")) {
                return "look check of a landed final: decode, SSIM, contact sheet (FFmpeg)";
            }
            if (frame.getMethod().getName().equals("startFrame")) {
                return "start frame: decode, fit, JPEG (FFmpeg, ImageIO)";
            }
            if (type.endsWith("PreviewRenderer")) {
                return "local provider's shared render (once per size)";
            }
        }
        return "FFmpeg, other";
    }

    private static String simpleName(String type) {
        int lambda = type.indexOf("$$");
        String outer = lambda > 0 ? type.substring(0, lambda) : type;
        String name = outer.substring(outer.lastIndexOf('.') + 1);
        int inner = name.indexOf('_');
        return inner > 0 ? name.substring(0, inner) : name;
    }
}
