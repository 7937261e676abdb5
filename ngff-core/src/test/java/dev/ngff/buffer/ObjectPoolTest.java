package dev.ngff.buffer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectPoolTest {

    @Test
    void reusesReleasedObjectsAndDiscardsWhatDoesNotFit() {
        AtomicInteger made = new AtomicInteger();
        List<Object> discarded = new ArrayList<>();
        ObjectPool<Object> pool = new ObjectPool<>(2, () -> new Object[] {made.incrementAndGet()}, discarded::add);
        Object a = pool.acquire();
        Object b = pool.acquire();
        Object c = pool.acquire();
        assertThat(made).hasValue(3);
        pool.release(a);
        pool.release(b);
        pool.release(c); // no room: discarded
        assertThat(discarded).containsExactly(c);
        Set<Object> again = Collections.newSetFromMap(new IdentityHashMap<>());
        again.add(pool.acquire());
        again.add(pool.acquire());
        assertThat(again).containsExactlyInAnyOrder(a, b);
        assertThat(made).hasValue(3);
        pool.release(a);
        pool.discardIdle();
        assertThat(discarded).containsExactly(c, a);
        assertThat(pool.acquire()).isNotSameAs(a);
    }

    @Test
    void neverHandsOneObjectToTwoHoldersAtOnce() throws Exception {
        ObjectPool<int[]> pool = new ObjectPool<>(3, () -> new int[1]);
        Set<int[]> held = ConcurrentHashMap.newKeySet();
        try (var exec = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(exec.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        int[] x = pool.acquire();
                        assertThat(held.add(x)).as("object handed out twice").isTrue();
                        x[0]++;
                        held.remove(x);
                        pool.release(x);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    @Test
    void rejectsABadCapacityAndNulls() {
        assertThatThrownBy(() -> new ObjectPool<>(0, Object::new)).isInstanceOf(IllegalArgumentException.class);
        ObjectPool<Object> pool = new ObjectPool<>(1, () -> null);
        assertThatThrownBy(pool::acquire).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> pool.release(null)).isInstanceOf(NullPointerException.class);
    }
}
