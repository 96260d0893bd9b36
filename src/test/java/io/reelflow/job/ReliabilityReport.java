package io.reelflow.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * Writes the fault-injection suite's table: always to {@code target/reliability/results.md}, and with
 * {@code -Dreelflow.reliability.publish=true} between the markers of {@code docs/reliability.md}.
 */
final class ReliabilityReport {

    static final String COMMAND = "./mvnw verify -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dit.test=FaultInjectionIT -Dreelflow.reliability.publish=true";
    private static final String START = "<!-- fault-injection results: start -->";
    private static final String END = "<!-- fault-injection results: end -->";

    private ReliabilityReport() {
    }

    static void write(List<Scenario.Row> rows, long seed, Path logs) throws IOException {
        if (rows.isEmpty()) {
            return;
        }
        String table = table(rows, seed);
        Path results = Path.of("target", "reliability", "results.md");
        Files.createDirectories(results.getParent());
        Files.writeString(results, table);
        System.out.println("fault injection results: " + results.toAbsolutePath() + " (service logs in " + logs + ")");
        if (Boolean.getBoolean("reelflow.reliability.publish")) {
            Path doc = Path.of("docs", "reliability.md");
            String text = Files.readString(doc);
            int start = text.indexOf(START);
            int end = text.indexOf(END);
            if (start < 0 || end < start) {
                throw new IllegalStateException(doc + " has no results markers");
            }
            Files.writeString(doc, text.substring(0, start + START.length()) + "\n" + table
                    + text.substring(end));
        }
    }

    static String table(List<Scenario.Row> rows, long seed) {
        StringBuilder out = new StringBuilder();
        out.append("Run of ").append(LocalDate.now()).append(", seed ").append(seed).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores. Reproduce: `").append(COMMAND)
                .append("`\n\n");
        out.append("| Scenario | Jobs | Faults injected | Landed / failed / held | Lost | Duplicate creates"
                + " | Duplicate events (redelivered ids) | Committed / billed / budget | Overspend | Wall time |\n");
        out.append("|---|---:|---|---|---:|---:|---|---|---:|---:|\n");
        for (Scenario.Row r : rows) {
            out.append("| ").append(r.scenario())
                    .append(" | ").append(r.jobs())
                    .append(" | ").append(r.faults())
                    .append(" | ").append(r.landed()).append(" / ").append(r.failed()).append(" / ").append(r.held())
                    .append(" | ").append(r.lost())
                    .append(" | ").append(r.duplicateCreates())
                    .append(" | ").append(r.duplicateEvents()).append(" (").append(r.redelivered()).append(")")
                    .append(" | $").append(r.committed().toPlainString()).append(" / $")
                    .append(r.billed().toPlainString()).append(" / $").append(r.budget().toPlainString())
                    .append(" | $").append(r.overspend().setScale(2).toPlainString())
                    .append(" | ").append(minutes(r.wall()))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String minutes(Duration d) {
        return d.toMinutes() + " min " + d.toSecondsPart() + " s";
    }
}
