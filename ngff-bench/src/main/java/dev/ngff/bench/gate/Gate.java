package dev.ngff.bench.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The regression gate's comparison: reads JMH JSON results, normalises every score by the memcpy
 * ruler measured in the same run, and compares with a committed baseline.
 *
 * <p>Normalisation: a throughput score (unit {@code ops/s}, {@code ops/ms}, ...) is divided by the
 * ruler's throughput; a time score ({@code s/op}, {@code us/op}, ...) is multiplied by it. Either way
 * the result no longer depends on how fast the machine copies memory. A result is a regression when it
 * is slower than the baseline by more than the threshold: {@code slowdown = baseline / current} for
 * throughput, {@code current / baseline} for time, failing when {@code slowdown > 1 + threshold}.
 *
 * <pre>
 * Gate compare  BASELINE.json JMH.json [THRESHOLD]   exit 1 on a regression or a missing result
 * Gate baseline JMH.json OUT.json                    write a baseline from a run
 * </pre>
 */
public final class Gate {
    /** The ruler: a 2 MiB heap copy. */
    public static final String RULER = "dev.ngff.bench.MemcpyRuler.heap";
    public static final String RULER_PARAMS = "size=2097152";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Gate() {
    }

    /** Whether larger is better. */
    public enum Direction {
        HIGHER_IS_BETTER, LOWER_IS_BETTER;

        /** Throughput units are "ops/<time>"; time units are "<time>/op". */
        public static Direction ofUnit(String unit) {
            if (unit.endsWith("/op")) {
                return LOWER_IS_BETTER;
            }
            if (unit.startsWith("ops/")) {
                return HIGHER_IS_BETTER;
            }
            throw new IllegalArgumentException("unknown JMH score unit '" + unit + "'");
        }
    }

    /** One benchmark result, normalised by the ruler of its run. */
    public record Result(String id, String unit, double raw, double normalised) {
        public Result {
            if (!(raw > 0) || !(normalised > 0)) {
                throw new IllegalArgumentException(id + ": scores must be positive, got " + raw + " / " + normalised);
            }
        }

        public Direction direction() {
            return Direction.ofUnit(unit);
        }
    }

    /** A measured run: results by id, and the ruler's throughput. */
    public record Run(double ruler, Map<String, Result> results) {
        public Run {
            results = Map.copyOf(results);
        }
    }

    /** The verdict on one benchmark. */
    public record Row(String id, String unit, double baseline, double current, double slowdown, Status status) {
    }

    public enum Status { OK, IMPROVED, REGRESSED, MISSING, NEW }

    /** Benchmark name plus its parameters, sorted, e.g. {@code ...decode[codec=zstd3,data=noisy]}. */
    static String id(JsonNode result) {
        StringBuilder sb = new StringBuilder(result.path("benchmark").asText());
        Map<String, String> params = new TreeMap<>();
        JsonNode p = result.path("params");
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            params.put(k, p.get(k).asText());
        }
        if (!params.isEmpty()) {
            StringBuilder ps = new StringBuilder();
            params.forEach((k, v) -> ps.append(ps.isEmpty() ? "" : ",").append(k).append('=').append(v));
            sb.append('[').append(ps).append(']');
        }
        return sb.toString();
    }

    /** Parses JMH's JSON output (-rf json) and normalises each score by the ruler found in it. */
    public static Run parseJmh(JsonNode array) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("JMH results must be a JSON array");
        }
        Double ruler = null;
        for (JsonNode r : array) {
            if (id(r).equals(RULER + "[" + RULER_PARAMS + "]")) {
                JsonNode m = r.path("primaryMetric");
                if (Direction.ofUnit(m.path("scoreUnit").asText()) != Direction.HIGHER_IS_BETTER) {
                    throw new IllegalArgumentException("the ruler must be measured as throughput");
                }
                ruler = m.path("score").asDouble();
            }
        }
        if (ruler == null || !(ruler > 0)) {
            throw new IllegalArgumentException("no ruler (" + RULER + " with " + RULER_PARAMS + ") in the results");
        }
        Map<String, Result> out = new LinkedHashMap<>();
        for (JsonNode r : array) {
            JsonNode m = r.path("primaryMetric");
            String unit = m.path("scoreUnit").asText();
            double raw = m.path("score").asDouble();
            double norm = Direction.ofUnit(unit) == Direction.HIGHER_IS_BETTER ? raw / ruler : raw * ruler;
            out.put(id(r), new Result(id(r), unit, raw, norm));
        }
        return new Run(ruler, out);
    }

    /** Compares normalised results; a result slower than the baseline by more than {@code threshold} regresses. */
    public static List<Row> compare(Map<String, Result> baseline, Map<String, Result> current, double threshold) {
        if (!(threshold >= 0)) {
            throw new IllegalArgumentException("threshold must be >= 0, got " + threshold);
        }
        List<Row> rows = new ArrayList<>();
        for (Result b : baseline.values()) {
            Result c = current.get(b.id());
            if (c == null) {
                rows.add(new Row(b.id(), b.unit(), b.normalised(), Double.NaN, Double.NaN, Status.MISSING));
                continue;
            }
            if (!c.unit().equals(b.unit())) {
                throw new IllegalArgumentException(b.id() + ": unit changed from " + b.unit() + " to " + c.unit()
                        + "; refresh the baseline");
            }
            double slowdown = b.direction() == Direction.HIGHER_IS_BETTER
                    ? b.normalised() / c.normalised() : c.normalised() / b.normalised();
            Status s = slowdown > 1 + threshold ? Status.REGRESSED
                    : slowdown < 1 / (1 + threshold) ? Status.IMPROVED : Status.OK;
            rows.add(new Row(b.id(), b.unit(), b.normalised(), c.normalised(), slowdown, s));
        }
        for (Result c : current.values()) {
            if (!baseline.containsKey(c.id())) {
                rows.add(new Row(c.id(), c.unit(), Double.NaN, c.normalised(), Double.NaN, Status.NEW));
            }
        }
        return rows;
    }

    /** True when no row regressed and none is missing. */
    public static boolean passes(List<Row> rows) {
        return rows.stream().noneMatch(r -> r.status() == Status.REGRESSED || r.status() == Status.MISSING);
    }

    public static void printTable(List<Row> rows, double threshold, PrintStream out) {
        out.printf(Locale.ROOT, "%-88s %-7s %12s %12s %9s  %s%n", "benchmark (normalised by the memcpy ruler)",
                "unit", "baseline", "current", "slowdown", "status (threshold " + Math.round(threshold * 100) + "%)");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-88s %-7s %12.5g %12.5g %8.2fx  %s%n", r.id().replace("dev.ngff.bench.", ""),
                    r.unit(), r.baseline(), r.current(), r.slowdown(), r.status());
        }
    }

    static ObjectNode baselineJson(Run run) {
        ObjectNode root = JSON.createObjectNode();
        root.put("comment", "normalised JMH results for ngff-bench/gate; refresh with: ngff-bench/gate --update-baseline");
        root.put("date", Instant.now().toString());
        root.put("machine", machine());
        root.put("ruler_ops_per_s", run.ruler());
        ArrayNode results = root.putArray("results");
        for (Result r : run.results().values()) {
            results.addObject().put("id", r.id()).put("unit", r.unit()).put("raw", r.raw()).put("normalised", r.normalised());
        }
        return root;
    }

    static Map<String, Result> readBaseline(JsonNode root) {
        Map<String, Result> out = new LinkedHashMap<>();
        for (JsonNode r : root.path("results")) {
            Result res = new Result(r.path("id").asText(), r.path("unit").asText(), r.path("raw").asDouble(),
                    r.path("normalised").asDouble());
            out.put(res.id(), res);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("baseline holds no results");
        }
        return out;
    }

    private static String machine() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch") + ", "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + ", " + host;
    }

    public static void main(String[] args) throws IOException {
        if (args.length >= 3 && args[0].equals("compare")) {
            double threshold = args.length > 3 ? Double.parseDouble(args[3]) : 0.15;
            Map<String, Result> base = readBaseline(JSON.readTree(Files.readString(Path.of(args[1]))));
            Run cur = parseJmh(JSON.readTree(Files.readString(Path.of(args[2]))));
            base.remove(RULER + "[" + RULER_PARAMS + "]"); // the ruler normalised by itself is always 1
            Map<String, Result> curResults = new LinkedHashMap<>(cur.results());
            curResults.remove(RULER + "[" + RULER_PARAMS + "]");
            List<Row> rows = compare(base, curResults, threshold);
            System.out.printf(Locale.ROOT, "ruler (2 MiB heap copy): %.0f ops/s%n", cur.ruler());
            printTable(rows, threshold, System.out);
            boolean ok = passes(rows);
            System.out.println(ok ? "gate: PASS" : "gate: FAIL");
            System.exit(ok ? 0 : 1);
        } else if (args.length == 3 && args[0].equals("baseline")) {
            Run cur = parseJmh(JSON.readTree(Files.readString(Path.of(args[1]))));
            Files.writeString(Path.of(args[2]), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(baselineJson(cur)) + "\n");
            System.out.println("wrote baseline " + args[2] + " with " + cur.results().size() + " results");
        } else {
            System.err.println("usage: Gate compare BASELINE.json JMH.json [THRESHOLD] | Gate baseline JMH.json OUT.json");
            System.exit(2);
        }
    }

    /** For tests: a result map from (id, unit, raw) triples normalised by {@code ruler}. */
    static Map<String, Result> results(double ruler, Object... idUnitRaw) {
        Map<String, Result> m = new LinkedHashMap<>();
        for (int i = 0; i < idUnitRaw.length; i += 3) {
            String id = (String) idUnitRaw[i];
            String unit = (String) idUnitRaw[i + 1];
            double raw = ((Number) idUnitRaw[i + 2]).doubleValue();
            double norm = Direction.ofUnit(unit) == Direction.HIGHER_IS_BETTER ? raw / ruler : raw * ruler;
            m.put(id, new Result(id, unit, raw, norm));
        }
        return m;
    }

    static Optional<Row> row(List<Row> rows, String id) {
        return rows.stream().filter(r -> r.id().equals(id)).findFirst();
    }
}
