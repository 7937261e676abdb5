/**
 * Build-time helpers of the command line that are not part of its interface: the training workload of the
 * JDK's ahead-of-time cache.
 */
package dev.ngff.cli.internal;
