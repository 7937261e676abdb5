/**
 * OME-Zarr jobs on Apache Spark, for datasets one machine takes days over: conversions ({@link dev.ngff.spark.SparkConvert}),
 * copies ({@link dev.ngff.spark.SparkCopy}) and pyramids ({@link dev.ngff.spark.SparkPyramid}) partitioned by
 * output shard, running the plans of the single-machine commands (module ngff-convert). No two tasks write the same shard; a task writes each of its shards
 * whole, with deterministic bytes, through the engine's atomic store writes, and journals it; the driver
 * publishes a level's metadata only after every task of the level succeeded and the root group last
 * (docs/write-path.md), so retried and speculative tasks are harmless and a rerun resumes. See docs/spark.md.
 */
package dev.ngff.spark;
