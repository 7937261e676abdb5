/**
 * Checked exceptions for what the outside world can do to a reader or writer. Every subtype is an
 * {@link java.io.IOException}; unchecked exceptions are reserved for caller bugs (rank mismatch,
 * region out of bounds).
 */
package dev.ngff.error;
