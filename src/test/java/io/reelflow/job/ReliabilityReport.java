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
    /** The seed of the published table; a run with another seed publishes its table beside it. */
    static final long MAIN_SEED = 20261125L;
    private static final Path DOC = Path.of("docs", "reliability.md");
    private static final Path README = Path.of("README.md");

    private ReliabilityReport() {
    }

    static void write(List<Scenario.Row> rows, long seed, Path logs) throws IOException {
        if (rows.isEmpty()) {
            return;
        }
        String commit = commit();
        String table = table(rows, seed, commit);
        Path results = Path.of("target", "reliability", "results.md");
        Files.createDirectories(results.getParent());
        Files.writeString(results, table + "\n" + summary(rows, seed, commit) + "\n");
        System.out.println("fault injection results: " + results.toAbsolutePath() + " (service logs in " + logs + ")");
        if (Boolean.getBoolean("reelflow.reliability.publish")) {
            if (seed == MAIN_SEED) {
                replace(DOC, "fault-injection results", table);
                String summary = summary(rows, seed, commit) + "\n";
                replace(DOC, "fault-injection summary", summary);
                replace(README, "fault-injection summary", summary);
            } else {
                replace(DOC, "fault-injection results, second seed", table);
            }
        }
    }

    /** Replaces what lies between {@code <!-- marker: start -->} and {@code <!-- marker: end -->} in {@code file}. */
    private static void replace(Path file, String marker, String content) throws IOException {
        String start = "<!-- " + marker + ": start -->";
        String end = "<!-- " + marker + ": end -->";
        String text = Files.readString(file);
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException(file + " has no " + marker + " markers");
        }
        Files.writeString(file, text.substring(0, from + start.length()) + "\n" + content + text.substring(to));
    }

    /** The commit the run was made at, and whether the code differed from it. */
    static String commit() {
        String head = git("rev-parse", "--short=10", "HEAD");
        if (head.isEmpty()) {
            return "an unknown commit (no git checkout)";
        }
        String changed = git("status", "--porcelain", "--untracked-files=no", "--", "src", "pom.xml");
        return "commit " + head + (changed.isEmpty() ? "" : " with uncommitted changes to src or pom.xml");
    }

    private static String git(String... args) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("git"));
            command.addAll(List.of(args));
            Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static String table(List<Scenario.Row> rows, long seed, String commit) {
        StringBuilder out = new StringBuilder();
        out.append("Run of ").append(LocalDate.now()).append(" at ").append(commit).append(", seed ").append(seed)
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores. Reproduce: `")
                .append(COMMAND).append(seed == MAIN_SEED ? "" : " -Dreelflow.faults.seed=" + seed).append("`\n\n");
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
                    .append(r.billed().toPlainString()).append(" / ").append(r.budgets())
                    .append(" | $").append(r.overspend().setScale(2).toPlainString())
                    .append(" | ").append(minutes(r.wall()))
                    .append(" |\n");
        }
        return out.toString();
    }

    /** One line for the README and the top of the reliability page: the same run as the table. */
    static String summary(List<Scenario.Row> rows, long seed, String commit) {
        int jobs = rows.stream().mapToInt(Scenario.Row::jobs).sum();
        int lost = rows.stream().mapToInt(Scenario.Row::lost).sum();
        int creates = rows.stream().mapToInt(Scenario.Row::duplicateCreates).sum();
        int events = rows.stream().mapToInt(Scenario.Row::duplicateEvents).sum();
        java.math.BigDecimal over = rows.stream().map(Scenario.Row::overspend)
                .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
        Duration wall = rows.stream().map(Scenario.Row::wall).reduce(Duration.ZERO, Duration::plus);
        return "Fault injection, run of " + LocalDate.now() + " at " + commit + " (seed " + seed + "): "
                + rows.size() + " scenarios, " + jobs + " jobs, " + lost + " lost, " + creates
                + " duplicate create calls, " + events + " facts published under two event ids, $"
                + over.setScale(2).toPlainString() + " spent past a budget; " + minutes(wall) + " in all.";
    }

    private static String minutes(Duration d) {
        return d.toMinutes() + " min " + d.toSecondsPart() + " s";
    }
}
