/** The JOL footprint report of ngff-engine's long-lived in-memory structures. */
package dev.ngff.bench.jol;
