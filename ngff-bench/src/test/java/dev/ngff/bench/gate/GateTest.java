package dev.ngff.bench.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GateTest {
    private static final String T = "dev.ngff.bench.X.throughput";
    private static final String L = "dev.ngff.bench.X.latency";

    private static Gate.Row only(List<Gate.Row> rows, String id) {
        return Gate.row(rows, id).orElseThrow();
    }

    @Test
    void throughputDropBeyondThresholdRegresses() {
        var base = Gate.results(1000, T, "ops/s", 100.0);
        var cur = Gate.results(1000, T, "ops/s", 80.0); // 1.25x slower
        List<Gate.Row> rows = Gate.compare(base, cur, 0.15);
        assertThat(only(rows, T).status()).isEqualTo(Gate.Status.REGRESSED);
        assertThat(only(rows, T).slowdown()).isCloseTo(1.25, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Gate.passes(rows)).isFalse();
    }

    @Test
    void timeRiseBeyondThresholdRegressesAndTimeDropImproves() {
        var base = Gate.results(1000, L, "us/op", 10.0, T, "ops/s", 100.0);
        var slower = Gate.results(1000, L, "us/op", 12.0, T, "ops/s", 100.0);
        var faster = Gate.results(1000, L, "us/op", 5.0, T, "ops/s", 300.0);
        assertThat(only(Gate.compare(base, slower, 0.15), L).status()).isEqualTo(Gate.Status.REGRESSED);
        List<Gate.Row> rows = Gate.compare(base, faster, 0.15);
        assertThat(only(rows, L).status()).isEqualTo(Gate.Status.IMPROVED);
        assertThat(only(rows, T).status()).isEqualTo(Gate.Status.IMPROVED);
        assertThat(Gate.passes(rows)).isTrue();
    }

    @Test
    void withinThresholdIsOk() {
        var base = Gate.results(1000, T, "ops/s", 100.0, L, "ms/op", 4.0);
        var cur = Gate.results(1000, T, "ops/s", 90.0, L, "ms/op", 4.4);
        List<Gate.Row> rows = Gate.compare(base, cur, 0.15);
        assertThat(rows).extracting(Gate.Row::status).containsOnly(Gate.Status.OK);
    }

    @Test
    void aSlowerMachineIsNotARegressionOnceNormalisedByTheRuler() {
        // everything, the ruler included, runs at half speed: throughput halves, time doubles
        var base = Gate.results(1000, T, "ops/s", 100.0, L, "us/op", 10.0);
        var cur = Gate.results(500, T, "ops/s", 50.0, L, "us/op", 20.0);
        assertThat(Gate.compare(base, cur, 0.15)).extracting(Gate.Row::status).containsOnly(Gate.Status.OK);
    }

    @Test
    void aWiderThresholdToleratesNoiseButNotAGrossRegression() {
        var base = Gate.results(1000, T, "ops/s", 100.0);
        assertThat(Gate.passes(Gate.compare(base, Gate.results(1000, T, "ops/s", 60.0), 1.0))).isTrue();
        assertThat(Gate.passes(Gate.compare(base, Gate.results(1000, T, "ops/s", 45.0), 1.0))).isFalse();
    }

    @Test
    void aMissingBenchmarkFailsAndANewOneIsReported() {
        var base = Gate.results(1000, T, "ops/s", 100.0);
        var cur = Gate.results(1000, L, "us/op", 1.0);
        List<Gate.Row> rows = Gate.compare(base, cur, 0.15);
        assertThat(only(rows, T).status()).isEqualTo(Gate.Status.MISSING);
        assertThat(only(rows, L).status()).isEqualTo(Gate.Status.NEW);
        assertThat(Gate.passes(rows)).isFalse();
    }

    @Test
    void parsesJmhJsonWithParamsAndNormalisesByTheRuler() throws Exception {
        String json = """
                [{"benchmark": "dev.ngff.bench.MemcpyRuler.heap", "params": {"size": "2097152"},
                  "primaryMetric": {"score": 20000.0, "scoreUnit": "ops/s"}},
                 {"benchmark": "dev.ngff.bench.core.CoreCodecBenchmark.decode", "params": {"data": "noisy", "codec": "zstd3"},
                  "primaryMetric": {"score": 400.0, "scoreUnit": "ops/s"}},
                 {"benchmark": "dev.ngff.bench.core.ShardIndexBenchmark.decodeIndex", "params": {"grid": "32"},
                  "primaryMetric": {"score": 0.5, "scoreUnit": "ms/op"}}]""";
        Gate.Run run = Gate.parseJmh(new ObjectMapper().readTree(json));
        assertThat(run.ruler()).isEqualTo(20000.0);
        Map<String, Gate.Result> r = run.results();
        assertThat(r).containsKey("dev.ngff.bench.core.CoreCodecBenchmark.decode[codec=zstd3,data=noisy]");
        assertThat(r.get("dev.ngff.bench.core.CoreCodecBenchmark.decode[codec=zstd3,data=noisy]").normalised())
                .isEqualTo(400.0 / 20000.0);
        assertThat(r.get("dev.ngff.bench.core.ShardIndexBenchmark.decodeIndex[grid=32]").normalised())
                .isEqualTo(0.5 * 20000.0);
        // a baseline written from this run reads back to the same normalised results
        assertThat(Gate.readBaseline(Gate.baselineJson(run))).isEqualTo(r);
    }

    @Test
    void resultsWithoutTheRulerAreRejected() {
        String json = """
                [{"benchmark": "dev.ngff.bench.core.X.y", "params": {}, "primaryMetric": {"score": 1.0, "scoreUnit": "ops/s"}}]""";
        assertThatThrownBy(() -> Gate.parseJmh(new ObjectMapper().readTree(json)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no ruler");
    }

    @Test
    void aChangedUnitAsksForANewBaseline() {
        var base = Gate.results(1000, T, "ops/s", 100.0);
        var cur = Gate.results(1000, T, "ops/ms", 0.1);
        assertThatThrownBy(() -> Gate.compare(base, cur, 0.15)).hasMessageContaining("refresh the baseline");
    }
}
