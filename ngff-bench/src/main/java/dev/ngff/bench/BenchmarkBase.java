package dev.ngff.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Shared JMH settings for every benchmark in this module: one fork with the flags our library needs,
 * a short warm-up and measurement, throughput per second. Subclasses override the annotations when a
 * workload needs longer iterations (macro benchmarks over whole arrays).
 *
 * <p>Results are reported per operation; benchmarks that move bytes also report the decoded byte count
 * as an auxiliary counter so MB/s of decoded data can be computed from one run.
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class BenchmarkBase {
}
