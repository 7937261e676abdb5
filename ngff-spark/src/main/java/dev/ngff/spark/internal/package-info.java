/** The tasks ngff-spark ships to executors; not API. */
package dev.ngff.spark.internal;
