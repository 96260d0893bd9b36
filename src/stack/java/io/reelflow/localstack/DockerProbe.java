package io.reelflow.localstack;

/** Asks Testcontainers whether a Docker engine answers; any failure means no. */
final class DockerProbe {

    private DockerProbe() {
    }

    static boolean available() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
