package io.reelflow.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Podman, the daemonless container engine from Debian's packages, as the container tests drive it: with a
 * {@code containers.conf} of their own (runc as the runtime and no default ulimits: crun and setting rlimits fail
 * on this kind of machine's hybrid cgroups), never pulling from a registry.
 */
public final class Podman {

    /** What a command printed (stdout and stderr together) and how it ended. */
    public record Result(int exit, String output) {

        public Result orFail(String what) {
            if (exit != 0) {
                throw new IllegalStateException(what + " failed (exit " + exit + "): " + tail(output));
            }
            return this;
        }

        private static String tail(String text) {
            return text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text;
        }
    }

    private final Path dir;
    private final Path conf;

    /** Podman with its configuration under {@code dir}. */
    public Podman(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.conf = dir.resolve("containers.conf");
        Files.writeString(conf, "[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = \"runc\"\n");
    }

    /** Whether Podman and the tools to make a base image and play a pod are installed. */
    public static boolean available() {
        return Stream.of("podman", "runc", "debootstrap", "catatonit").allMatch(tool -> Stream.of("/usr/bin", "/usr/sbin", "/bin", "/sbin")
                .anyMatch(bin -> Files.isExecutable(Path.of(bin, tool))));
    }

    /** Runs {@code podman args...} and waits for it up to {@code timeout}. */
    public Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return exec(timeout, command);
    }

    /** Whether an image of that name is in the local store. */
    public boolean hasImage(String name) throws IOException, InterruptedException {
        return run(Duration.ofSeconds(30), "image", "exists", name).exit() == 0;
    }

    /**
     * Makes {@code name} from Debian's packages when the local store lacks it: a minimal bookworm root filesystem
     * made with debootstrap from the machine's own Debian mirror, without package lists, caches or documentation,
     * imported under that name. No registry is asked.
     */
    public void ensureDebianBase(String name) throws IOException, InterruptedException {
        if (hasImage(name)) {
            return;
        }
        Path rootfs = dir.resolve("debian-rootfs");
        exec(Duration.ofMinutes(2), List.of("rm", "-rf", rootfs.toString()));
        exec(Duration.ofMinutes(10), List.of("debootstrap", "--variant=minbase", "bookworm", rootfs.toString(),
                debianMirror())).orFail("debootstrap");
        exec(Duration.ofMinutes(1), List.of("sh", "-c", "rm -rf " + rootfs + "/var/cache/apt/archives/*.deb "
                + rootfs + "/var/lib/apt/lists/* " + rootfs + "/usr/share/doc/* " + rootfs + "/usr/share/man/*"))
                .orFail("trimming the root filesystem");
        exec(Duration.ofMinutes(5), List.of("sh", "-c", "tar -C " + rootfs + " -c . | podman import --change"
                + " 'CMD [\"bash\"]' - " + name)).orFail("podman import");
        exec(Duration.ofMinutes(2), List.of("rm", "-rf", rootfs.toString()));
    }

    /** The Debian archive this machine installs from (its apt sources), for debootstrap. */
    static String debianMirror() throws IOException {
        List<Path> sources = new ArrayList<>();
        Path list = Path.of("/etc/apt/sources.list");
        if (Files.exists(list)) {
            sources.add(list);
        }
        Path dotD = Path.of("/etc/apt/sources.list.d");
        if (Files.isDirectory(dotD)) {
            try (Stream<Path> files = Files.list(dotD)) {
                files.filter(f -> f.toString().endsWith(".sources") || f.toString().endsWith(".list")).sorted()
                        .forEach(sources::add);
            }
        }
        for (Path source : sources) {
            Optional<String> mirror = mirrorIn(Files.readString(source));
            if (mirror.isPresent()) {
                return mirror.get();
            }
        }
        throw new IllegalStateException("no Debian bookworm archive in the machine's apt sources " + sources);
    }

    /** The first archive serving bookworm (not its security or updates suites) in one apt sources file. */
    static Optional<String> mirrorIn(String text) {
        // One-line format: deb [options] URI suite components
        for (String line : text.lines().map(String::trim).toList()) {
            String[] words = line.replaceAll("\\[[^]]*]", " ").trim().split("\\s+");
            if (words.length >= 3 && words[0].equals("deb") && words[2].equals("bookworm")) {
                return Optional.of(words[1]);
            }
        }
        // deb822 format: stanzas of Types / URIs / Suites
        for (String stanza : text.split("\\n\\s*\\n")) {
            String uris = field(stanza, "URIs");
            String suites = field(stanza, "Suites");
            String types = field(stanza, "Types");
            if (uris != null && suites != null && (types == null || List.of(types.split("\\s+")).contains("deb"))
                    && List.of(suites.split("\\s+")).contains("bookworm")) {
                return Optional.of(uris.split("\\s+")[0]);
            }
        }
        return Optional.empty();
    }

    private static String field(String stanza, String name) {
        for (String line : stanza.lines().toList()) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    private Result exec(Duration timeout, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "podman-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("CONTAINERS_CONF", conf.toString());
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeout);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        return new Result(process.exitValue(), output);
    }
}
