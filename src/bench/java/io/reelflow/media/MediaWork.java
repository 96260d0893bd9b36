package io.reelflow.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.bytedeco.javacpp.Loader;

import io.reelflow.provenance.ContentCredentials;
import io.reelflow.provenance.SigningIdentity;

/**
 * Benchmark 8: the media work of a campaign, done by Reelflow in the service's way (FFmpeg's libraries through
 * JavaCV, pictures drawn in Java) and by the {@code ffmpeg} command line doing the same work: the command line built
 * from the very libraries Reelflow loads (same version, same encoders), and Debian's package where it is installed.
 * CPU is the process's own (Reelflow, in this JVM after a warm-up) or the child's (the command line), each read from
 * {@code /proc}; the machine is otherwise idle.
 */
public final class MediaWork {

    /** One piece of work measured both ways. */
    public record Work(String what, double reelflowCpu, double reelflowWall, double cliCpu, double cliWall,
            double debianCpu, String note) {

        public double ratio() {
            return reelflowCpu / cliCpu;
        }
    }

    private static final Pattern SUMMARY_I = Pattern.compile("I:\\s+(-?[0-9.]+) LUFS");
    private static final Pattern SUMMARY_PEAK = Pattern.compile("Peak:\\s+(-?[0-9.]+|-inf) dBFS");
    private static final List<String> PLACEMENTS = List.of("tiktok", "feed-4x5", "square", "youtube");

    private final Path dir;
    private final String bundled;
    private final String debian;

    private MediaWork(Path dir) {
        this.dir = dir;
        this.bundled = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        this.debian = Files.isExecutable(Path.of("/usr/bin/ffmpeg")) ? "/usr/bin/ffmpeg" : null;
    }

    /** Whether Debian's {@code ffmpeg} was there to compare with. */
    public static boolean debianInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/ffmpeg"));
    }

    public static List<Work> run(Path dir) throws Exception {
        Files.createDirectories(dir);
        return new MediaWork(dir).measure();
    }

    private List<Work> measure() throws Exception {
        PreviewRenderer renderer = new PreviewRenderer();
        Path master = dir.resolve("master.mp4");
        renderer.render("Slow dolly in on a ceramic cup at golden hour, steam rising, soft window light", new FrameSize(
                1792, 1024), 12, master);
        Path draft = dir.resolve("draft.mp4");
        renderer.render("Slow dolly in on a ceramic cup at golden hour, steam rising, soft window light",
                new FrameSize(1280, 720), 4, draft);
        BrandKit brand = new BrandKit(logo(), BrandKit.Corner.TOP_RIGHT, 0.16, null, true);
        Deliverables.Dressing dressing = new Deliverables.Dressing(brand, List.of());
        // Warm-up: the code paths compiled and the libraries loaded before anything is timed.
        Deliverables.make(master, Placement.standard("square").orElseThrow(), Deliverables.Focus.CENTRE, dressing,
                dir.resolve("warm.mp4"));
        startFrame(draft);
        signing(dir.resolve("warm.mp4"));
        List<Work> works = new ArrayList<>();
        works.addAll(parts(master, Placement.standard("youtube").orElseThrow(), brand));
        for (String name : PLACEMENTS) {
            works.add(deliverable(master, Placement.standard(name).orElseThrow(), brand, dressing));
        }
        works.add(startFrame(draft));
        works.add(similarity(draft, master));
        works.add(signing(dir.resolve("reelflow-tiktok.mp4")));
        return works;
    }

    /**
     * A placement file: Reelflow's deliverable (measure the master's sound, settle the gain and limiter on the sound
     * alone, reframe, overlay, encode, measure what was made) against the command line's two-pass equivalent
     * (measure, then render with the gain for the target through the same crop, scale, overlay, limiter and
     * encoders, then measure what was made).
     */
    private Work deliverable(Path master, Placement placement, BrandKit brand, Deliverables.Dressing dressing)
            throws Exception {
        Path out = dir.resolve("reelflow-" + placement.name() + ".mp4");
        Deliverables.Made[] made = new Deliverables.Made[1];
        double[] reelflow = timed(() -> made[0] = Deliverables.make(master, placement, Deliverables.Focus.CENTRE,
                dressing, out));
        Path overlay = overlayPng(placement, brand);
        MediaProbe.Probe probe = MediaProbe.probe(master);
        double picture = Deliverables.pictureSeconds(placement, brand, probe.seconds());
        String reframe = PlacementRender.reframe(probe.width(), probe.height(), placement.size(),
                Deliverables.Focus.CENTRE);
        double[] cli = cliDeliverable(bundled, "libopenh264", master, overlay, placement, reframe, picture);
        double[] deb = debian == null ? new double[] {Double.NaN, Double.NaN}
                : cliDeliverable(debian, "libx264", master, overlay, placement, reframe, picture);
        return new Work("placement file `" + placement.name() + "` (" + placement.size() + ", logo and AI label, "
                + "loudness to " + placement.targetLufs() + " LUFS)", reelflow[0], reelflow[1], cli[0], cli[1], deb[0],
                made[0].passes() + " render pass" + (made[0].passes() == 1 ? "" : "es"));
    }

    private double[] cliDeliverable(String ffmpeg, String encoder, Path master, Path overlay, Placement placement,
            String reframe, double picture) throws Exception {
        Path out = dir.resolve("cli-" + encoder + "-" + placement.name() + ".mp4");
        double cpu = 0;
        double wall = 0;
        double[] measured = new double[2];
        double[] step = cli(ffmpeg, output -> parseLoudness(output, measured), "-i", master.toString(), "-t",
                Double.toString(picture), "-vn", "-af", "ebur128=peak=true", "-f", "null", "-");
        cpu += step[0];
        wall += step[1];
        double gain = placement.targetLufs() - measured[0];
        String chain = String.format(Locale.ROOT,
                "volume=%.3fdB,aresample=%d,alimiter=limit=%.5f:level=0:attack=1:release=50,aresample=%d", gain,
                4 * Deliverables.SAMPLE_RATE, Math.pow(10, (placement.truePeakCeiling() - 0.5) / 20),
                Deliverables.SAMPLE_RATE);
        step = cli(ffmpeg, output -> { }, concat(List.of("-i", master.toString(), "-i", overlay.toString(),
                "-filter_complex", "[0:v]" + reframe + "[v];[v][1:v]overlay=0:0,format=yuv420p[o];[0:a]" + chain
                        + "[a]", "-map", "[o]", "-map", "[a]"), encoding(encoder, placement, picture),
                out.toString()));
        cpu += step[0];
        wall += step[1];
        step = cli(ffmpeg, output -> parseLoudness(output, measured), "-i", out.toString(), "-vn", "-af",
                "ebur128=peak=true", "-f", "null", "-");
        return new double[] {cpu + step[0], wall + step[1]};
    }

    /**
     * Where a placement file's time goes, step by step, both ways: the picture reframed and encoded with the sound
     * passed through; then with the overlay; then one measure of the sound over the placement's length.
     */
    private List<Work> parts(Path master, Placement placement, BrandKit brand) throws Exception {
        MediaProbe.Probe probe = MediaProbe.probe(master);
        double picture = Deliverables.pictureSeconds(placement, brand, probe.seconds());
        String reframe = PlacementRender.reframe(probe.width(), probe.height(), placement.size(),
                Deliverables.Focus.CENTRE);
        List<String> encode = encoding("libopenh264", placement, picture);
        List<Work> works = new ArrayList<>();
        Path plain = dir.resolve("part-plain.mp4");
        double[] reelflow = timed(() -> {
            PlacementRender.render(master, probe, placement, Deliverables.Focus.CENTRE, Deliverables.Dressing.NONE,
                    null, plain);
            return null;
        });
        double[] cli = cli(bundled, output -> { }, concat(List.of("-i", master.toString(), "-vf", reframe, "-af",
                "aresample=" + Deliverables.SAMPLE_RATE), encode, dir.resolve("part-plain-cli.mp4").toString()));
        works.add(new Work("part: reframe and encode only (`" + placement.name() + "`)", reelflow[0], reelflow[1],
                cli[0], cli[1], Double.NaN, "sound passed through"));
        Path dressed = dir.resolve("part-dressed.mp4");
        reelflow = timed(() -> {
            PlacementRender.render(master, probe, placement, Deliverables.Focus.CENTRE,
                    new Deliverables.Dressing(brand, List.of()), null, dressed);
            return null;
        });
        Path overlay = overlayPng(placement, brand);
        cli = cli(bundled, output -> { }, concat(List.of("-i", master.toString(), "-i", overlay.toString(),
                "-filter_complex", "[0:v]" + reframe + "[v];[v][1:v]overlay=0:0,format=yuv420p[o]", "-map", "[o]",
                "-map", "0:a", "-af", "aresample=" + Deliverables.SAMPLE_RATE), encode,
                dir.resolve("part-dressed-cli.mp4").toString()));
        works.add(new Work("part: reframe, overlay (logo, AI label) and encode (`" + placement.name() + "`)",
                reelflow[0], reelflow[1], cli[0], cli[1], Double.NaN, "sound passed through"));
        reelflow = timed(() -> Loudness.measure(master, null, picture));
        cli = cli(bundled, output -> { }, "-i", master.toString(), "-t", Double.toString(picture), "-vn", "-af",
                "ebur128=peak=true", "-f", "null", "-");
        works.add(new Work("part: one loudness measure of the master (EBU R128 with true peak)", reelflow[0],
                reelflow[1], cli[0], cli[1], Double.NaN, ""));
        return works;
    }

    /** Reelflow's own overlay of {@code placement} (logo, label) drawn once to a PNG, for the command line. */
    private Path overlayPng(Placement placement, BrandKit brand) throws IOException {
        Path png = dir.resolve("overlay-" + placement.name() + ".png");
        BufferedImage sprites = new BufferedImage(placement.size().width(), placement.size().height(),
                BufferedImage.TYPE_INT_ARGB);
        Overlay.of(placement, brand, List.of()).drawOn(sprites, 0);
        ImageIO.write(sprites, "png", png.toFile());
        return png;
    }

    /**
     * The command line's output settings, as Reelflow's recorder sets them ({@code Mp4}): the placement's bitrate,
     * a keyframe every two seconds of the renderer's frame rate, AAC at 192 kb/s, the index first.
     */
    private static List<String> encoding(String encoder, Placement placement, double picture) {
        FrameSize size = placement.size();
        return List.of("-t", Double.toString(picture), "-c:v", encoder, "-b:v",
                Integer.toString(size.width() * size.height() * 3), "-g",
                Integer.toString(2 * PreviewRenderer.FRAME_RATE), "-c:a", "aac", "-b:a", "192k", "-movflags",
                "+faststart");
    }

    private static String[] concat(List<String> first, List<String> second, String last) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        all.add(last);
        return all.toArray(String[]::new);
    }

    /** The approved frame of a draft made into a final's first frame: decode, crop, Lanczos scale, JPEG (quality 2). */
    private Work startFrame(Path draft) throws Exception {
        FrameSize size = new FrameSize(1792, 1024);
        Path jpeg = dir.resolve("start.jpg");
        double[] reelflow = timed(() -> {
            Frames.fittedJpeg(draft, 1.5, size, Deliverables.Focus.CENTRE, jpeg);
            return null;
        });
        // The very crop and scale Reelflow's fit uses, from the draft's size.
        MediaProbe.Probe probe = MediaProbe.probe(draft);
        String graph = Frames.fitGraph(new FrameSize(probe.width(), probe.height()), size, Deliverables.Focus.CENTRE);
        double[] cli = cli(bundled, output -> { }, "-i", draft.toString(), "-ss", "1.5", "-frames:v", "1", "-vf", graph,
                "-q:v", "2", dir.resolve("start-cli.jpg").toString());
        double[] deb = debian == null ? new double[] {Double.NaN} : cli(debian, output -> { }, "-i", draft.toString(),
                "-ss", "1.5", "-frames:v", "1", "-vf", graph, "-q:v", "2", dir.resolve("start-deb.jpg").toString());
        return new Work("start frame of a final (draft's frame at 1.5 s to 1792x1024 JPEG)", reelflow[0], reelflow[1],
                cli[0], cli[1], deb[0], "");
    }

    /** SSIM of two 1792x1024 pictures (a final's first frame against the approved frame). */
    private Work similarity(Path draft, Path master) throws Exception {
        FrameSize size = new FrameSize(1792, 1024);
        BufferedImage a = Frames.fit(Frames.at(draft, 1.5), size);
        BufferedImage b = Frames.at(master, 0);
        Path pa = dir.resolve("a.png");
        Path pb = dir.resolve("b.png");
        ImageIO.write(a, "png", pa.toFile());
        ImageIO.write(b, "png", pb.toFile());
        double[] reelflow = timed(() -> Similarity.ssim(a, b));
        double[] cli = cli(bundled, output -> { }, "-i", pa.toString(), "-i", pb.toString(), "-lavfi", "ssim", "-f",
                "null", "-");
        double[] deb = debian == null ? new double[] {Double.NaN} : cli(debian, output -> { }, "-i", pa.toString(),
                "-i", pb.toString(), "-lavfi", "ssim", "-f", "null", "-");
        return new Work("SSIM of two 1792x1024 pictures (Reelflow from decoded pictures; the command line from PNG"
                + " files)", reelflow[0], reelflow[1], cli[0], cli[1], deb[0], "");
    }

    /** Content credentials on a placement file against plain SHA-256 over the same bytes. */
    private Work signing(Path deliverable) throws Exception {
        Path copy = dir.resolve("signed.mp4");
        Files.copy(deliverable, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ContentCredentials signer = new ContentCredentials(SigningIdentity.throwaway("Reelflow benchmark",
                Duration.ofDays(1)), "bench");
        ContentCredentials.Statement statement = new ContentCredentials.Statement("signed.mp4", List.of(
                ContentCredentials.Action.created("local-preview (local)", null),
                ContentCredentials.Action.edited("c2pa.edited", "re-encoded as H.264/AAC")), List.of(), Map.of());
        long bytes = Files.size(copy);
        // Ten rounds each (one is near the clock's 10 ms grain): each signing on a fresh copy of the file.
        double[] reelflow = new double[2];
        double[] plain = new double[2];
        for (int round = 0; round < ROUNDS; round++) {
            Files.copy(deliverable, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            add(reelflow, timed(() -> signer.sign(copy, statement)));
            add(plain, timed(() -> {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                try (var in = Files.newInputStream(deliverable)) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        digest.update(buffer, 0, n);
                    }
                }
                return digest.digest();
            }));
        }
        reelflow = new double[] {reelflow[0] / ROUNDS, reelflow[1] / ROUNDS};
        plain = new double[] {plain[0] / ROUNDS, plain[1] / ROUNDS};
        double[] sha256sum = cli("sha256sum", output -> { }, deliverable.toString());
        return new Work(String.format(Locale.ROOT, "content credentials on a %,d-byte placement file (against plain"
                + " SHA-256 in Java: CPU %.1f ms; `sha256sum`: %.1f ms; mean of %d rounds)", bytes, 1000 * plain[0], 1000 * sha256sum[0], ROUNDS),
                reelflow[0], reelflow[1], plain[0], plain[1], Double.NaN, "the command-line column is plain SHA-256 in"
                + " Java");
    }

    // -- measuring ----------------------------------------------------------------------------------------------

    private static final int ROUNDS = 10;

    private static void add(double[] sum, double[] one) {
        sum[0] += one[0];
        sum[1] += one[1];
    }

    /** Runs {@code work} in this process: {CPU seconds of the process, wall seconds}. */
    private static double[] timed(Callable<?> work) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        work.call();
        return new double[] {(os.getProcessCpuTime() - cpu) / 1e9, (System.nanoTime() - start) / 1e9};
    }

    /** Runs a command line: {CPU seconds of the child (user and system), wall seconds}. */
    private double[] cli(String program, java.util.function.Consumer<String> output, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(program));
        if (program.endsWith("ffmpeg")) {
            command.addAll(List.of("-hide_banner", "-nostats", "-y", "-threads", "0"));
        }
        command.addAll(List.of(args));
        double before = childCpu();
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + text);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        output.accept(text);
        return new double[] {childCpu() - before, wall};
    }

    /** CPU seconds of this process's finished children ({@code cutime + cstime} in {@code /proc/self/stat}). */
    private static double childCpu() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0;
    }

    private static void parseLoudness(String output, double[] into) {
        Matcher i = SUMMARY_I.matcher(output);
        Matcher peak = SUMMARY_PEAK.matcher(output);
        double integrated = Double.NaN;
        while (i.find()) {
            integrated = Double.parseDouble(i.group(1));
        }
        into[0] = integrated;
        into[1] = peak.find() && !peak.group(1).equals("-inf") ? Double.parseDouble(peak.group(1)) : Double.NaN;
    }

    private static BufferedImage logo() {
        BufferedImage logo = new BufferedImage(400, 160, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = logo.createGraphics();
        g.setColor(new Color(230, 60, 40, 230));
        g.fillRoundRect(0, 0, 400, 160, 40, 40);
        g.setColor(Color.WHITE);
        g.fillOval(40, 30, 100, 100);
        g.dispose();
        return logo;
    }

    /** The report's section. */
    public static String report(List<Work> works) {
        StringBuilder out = new StringBuilder();
        out.append("""
                Reelflow's media work against the same work done by the `ffmpeg` command line. Inputs made by the \
                local renderer: a 12 s 1792x1024 final with sound and a 4 s 1280x720 draft. Reelflow runs in the \
                benchmark's JVM (after one warm-up deliverable), its CPU read from the process; the command line's \
                CPU is the child process's. "Bundled" is the `ffmpeg` program built from the very libraries Reelflow \
                loads (FFmpeg 7.1.1 with OpenH264, through JavaCV), so it encodes with the same encoders; \
                "Debian" is the distribution's package (FFmpeg 5.1, H.264 by libx264 at its default preset), where \
                installed. The command line's deliverable is the usual two-pass recipe: measure the sound over the \
                placement's length (EBU R128), render through the same crop, Lanczos scale, overlay (Reelflow's own \
                logo and label, drawn once to a PNG) and limiter with the gain for the target, then measure what was \
                made. Reelflow's deliverable does that and settles its gain on the sound alone before rendering (no \
                picture encoded), and renders again if the file misses the target.

                | Work | Reelflow CPU | Reelflow wall | Command line (bundled) CPU | wall | Reelflow / bundled CPU | Debian CPU | Note |
                |---|---:|---:|---:|---:|---:|---:|---|
                """);
        for (Work w : works) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2f | %s | %s |%n", w.what(),
                    seconds(w.reelflowCpu()), seconds(w.reelflowWall()), seconds(w.cliCpu()), seconds(w.cliWall()),
                    w.ratio(), Double.isNaN(w.debianCpu()) ? "" : seconds(w.debianCpu()), w.note()));
        }
        List<Work> files = works.stream().filter(w -> w.what().startsWith("placement file")).toList();
        if (!files.isEmpty()) {
            double cpu = files.stream().mapToDouble(Work::reelflowCpu).average().orElse(0);
            double wall = files.stream().mapToDouble(Work::reelflowWall).average().orElse(0);
            out.append(String.format(Locale.ROOT, """

                    A 100-shot batch delivered on these four placements (a projection from the rows above, not a run \
                    end to end): 400 files at a mean %.2f s of CPU and %.2f s of wall time each is %.0f CPU-minutes: \
                    about %.0f minutes on one delivery thread, or %.0f minutes with both cores busy, after the finals \
                    themselves have been generated. Within a file, the rows marked "part" show where the time goes: \
                    decoding, cropping, scaling and encoding the picture are nearly all of it; the overlay and the \
                    loudness measures are small.
                    """, cpu, wall, 400 * cpu / 60, 400 * wall / 60, 400 * cpu / 60 / 2));
        }
        return out.toString();
    }

    private static String seconds(double s) {
        return s < 1 ? String.format(Locale.ROOT, "%.0f ms", 1000 * s) : String.format(Locale.ROOT, "%.2f s", s);
    }
}
