/**
 * The regression gate ({@code ngff-bench/gate}): JMH results normalised by the memcpy ruler, compared
 * with a committed baseline in the right direction for throughput and time metrics.
 */
package dev.ngff.bench.gate;
