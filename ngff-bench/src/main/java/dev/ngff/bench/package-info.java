/**
 * JMH benchmarks for ngff-engine and the shared settings they extend ({@link dev.ngff.bench.BenchmarkBase}).
 * The {@link dev.ngff.bench.MemcpyRuler} normalises results across machines.
 */
package dev.ngff.bench;
