package dev.ngff.convert;

import dev.ngff.store.Key;

/**
 * One node or object a copy or conversion writes, at {@link #path()} of the target. A plan lists them parents
 * before children; a runner writes the arrays and pyramids in plan order (each published after its data), then
 * the plain objects, then the groups in reverse plan order (children first, the root last), so that nothing is
 * visible before what it lists. Immutable.
 */
public sealed interface Step permits GroupStep, ArrayStep, PyramidStep, ObjectStep {
    /** Where the step writes, relative to the target's root. */
    Key path();
}
