package io.reelflow.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * Test tools from the npm registry, pinned by a {@code package-lock.json} under {@code src/test} and installed
 * with {@code npm ci} into a directory under {@code target} the first time they are needed.
 */
public final class NodePackages {

    private NodePackages() {
    }

    /**
     * Installs the packages of {@code source} (its {@code package.json} and {@code package-lock.json}) into
     * {@code home} unless {@code ready} (a path under {@code home}) already exists; returns {@code home}.
     */
    public static synchronized Path install(Path source, Path home, String ready) throws IOException,
            InterruptedException {
        if (Files.exists(home.resolve(ready))) {
            return home.toAbsolutePath();
        }
        Files.createDirectories(home);
        for (String file : new String[] {"package.json", "package-lock.json"}) {
            Files.copy(source.resolve(file), home.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("npm-ci.log").toFile())
                .start();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            throw new IllegalStateException("npm ci in " + home + " failed; see " + home.resolve("npm-ci.log"));
        }
        return home.toAbsolutePath();
    }
}
