/**
 * Execution: the explicit context of limits and registries ({@link dev.ngff.exec.ExecutionContext}) and
 * the bounded runner of one call's chunk tasks on virtual threads ({@link dev.ngff.exec.ChunkTasks}).
 */
package dev.ngff.exec;
