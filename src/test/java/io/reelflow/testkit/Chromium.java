package io.reelflow.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The browser of the page tests. */
public final class Chromium {

    private Chromium() {
    }

    /** Debian's Chromium, installed from the machine's package sources when it is missing and this user may. */
    public static void ensure(Path chromium) throws IOException, InterruptedException {
        if (Files.isExecutable(chromium)) {
            return;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException(chromium + " is missing: install Debian's chromium package"
                    + " (apt-get install chromium) to run the review page test");
        }
        Path log = Path.of("target", "apt-chromium.log");
        ProcessBuilder install = new ProcessBuilder("apt-get", "install", "-y", "--no-install-recommends", "chromium")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        install.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process apt = install.start();
        apt.getOutputStream().close();
        if (!apt.waitFor(10, TimeUnit.MINUTES) || apt.exitValue() != 0 || !Files.isExecutable(chromium)) {
            throw new IllegalStateException("installing chromium failed; see " + log);
        }
    }
}
