package io.reelflow.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

import io.reelflow.localstack.ServiceProcess;

/** A service instance's Prometheus metrics ({@code /q/metrics}), read as a test reads them. */
public final class Metrics {

    private final String text;

    private Metrics(String text) {
        this.text = text;
    }

    /** What {@code service} reports now. */
    public static Metrics of(ServiceProcess service) throws Exception {
        return new Metrics(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.baseUrl()
                + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /**
     * The sum of the series of {@code name} whose labels include every one of {@code labels} (each written
     * {@code key="value"}); 0 when none is reported.
     */
    public double sum(String name, String... labels) {
        return text.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Arrays.stream(labels).allMatch(label -> labelsOf(l).contains(label)))
                .mapToDouble(Metrics::value)
                .sum();
    }

    public String text() {
        return text;
    }

    private static String labelsOf(String line) {
        return line.contains("{") && line.indexOf('{') < line.indexOf(' ') ? line.substring(line.indexOf('{'),
                line.indexOf("} ") + 1) : "";
    }

    /** The sample's value: after the labels; an exemplar (" # {trace_id=...} 1.0 <time>") may follow it. */
    private static double value(String line) {
        String rest = labelsOf(line).isEmpty() ? line.substring(line.indexOf(' ') + 1)
                : line.substring(line.indexOf("} ") + 2);
        return Double.parseDouble(rest.split(" ")[0]);
    }
}
