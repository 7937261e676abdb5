/** ngff-engine's process in the side-by-side harness against other implementations ({@code ngff-bench/harness}). */
package dev.ngff.bench.harness;
