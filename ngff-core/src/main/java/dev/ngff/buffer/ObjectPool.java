package dev.ngff.buffer;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A small bounded pool of reusable objects (decompression contexts, scratch buffers) owned by one codec
 * or array handle. Chunk tasks run on virtual threads, one per task, so per-thread caches would be
 * rebuilt for every chunk; a pool shared by the owner's callers is reused across them.
 *
 * <p>Contract: {@link #acquire} returns a pooled object or a fresh one from the factory, never null,
 * and never hands the same object to two callers at once; {@link #release} gives it back, and drops it
 * (through the discard action) when the pool is full. Acquire and release allocate nothing. An object
 * that is never released is simply lost to the pool. Thread-safe and lock-free; at most
 * {@code capacity} objects are kept.
 */
public final class ObjectPool<T> {
    private final AtomicReferenceArray<T> slots;
    private final Supplier<? extends T> factory;
    private final Consumer<? super T> discard;

    /**
     * @param capacity how many idle objects are kept (at least 1)
     * @param factory  makes an object when the pool is empty
     * @param discard  frees an object the pool has no room for (closing a native context)
     */
    public ObjectPool(int capacity, Supplier<? extends T> factory, Consumer<? super T> discard) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pool capacity must be positive, got " + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
        this.factory = Objects.requireNonNull(factory, "factory");
        this.discard = Objects.requireNonNull(discard, "discard");
    }

    /** A pool of {@code capacity} objects that are dropped without any action when it is full. */
    public ObjectPool(int capacity, Supplier<? extends T> factory) {
        this(capacity, factory, x -> { });
    }

    /** The default capacity for pools used by codec tasks: one object per core, at least 4. */
    public static int defaultCapacity() {
        return Math.max(4, Runtime.getRuntime().availableProcessors());
    }

    /** A pooled object, or a new one; give it back with {@link #release}. */
    public T acquire() {
        for (int i = 0; i < slots.length(); i++) {
            T t = slots.getPlain(i) == null ? null : slots.getAndSet(i, null);
            if (t != null) {
                return t;
            }
        }
        T made = factory.get();
        return Objects.requireNonNull(made, "pool factory returned null");
    }

    /** Discards every idle object (through the discard action); objects in use are not affected. */
    public void discardIdle() {
        for (int i = 0; i < slots.length(); i++) {
            T t = slots.getAndSet(i, null);
            if (t != null) {
                discard.accept(t);
            }
        }
    }

    /** Gives an object back; it must not be used afterwards. */
    public void release(T t) {
        Objects.requireNonNull(t, "t");
        for (int i = 0; i < slots.length(); i++) {
            if (slots.getPlain(i) == null && slots.compareAndSet(i, null, t)) {
                return;
            }
        }
        discard.accept(t);
    }
}
