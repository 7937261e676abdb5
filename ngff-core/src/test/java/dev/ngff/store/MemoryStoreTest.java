package dev.ngff.store;

import dev.ngff.buffer.Bytes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryStoreTest extends StoreContract {

    @Override
    protected Store createStore(Map<Key, byte[]> contents) {
        MemoryStore s = new MemoryStore("test");
        contents.forEach((k, v) -> s.write(k, Bytes.wrap(v)));
        return s;
    }

    @Test
    void writeCopiesTheCallersBytes() throws Exception {
        MemoryStore s = new MemoryStore();
        byte[] mine = bytes("before");
        s.write(Key.of("k"), Bytes.wrap(mine));
        mine[0] = 'X';
        assertThat(s.read(Key.of("k"))).hasValueSatisfying(b -> assertThat(b.toArray()).isEqualTo(bytes("before")));
    }

    @Test
    void readsAreReadOnlyViews() throws Exception {
        MemoryStore s = new MemoryStore();
        s.write(Key.of("k"), Bytes.wrap(bytes("value")));
        assertThat(s.read(Key.of("k")).orElseThrow().segment().isReadOnly()).isTrue();
    }

    @Test
    void aKeyMayBeAnObjectAndAPrefix() {
        MemoryStore s = new MemoryStore();
        s.write(Key.of("a"), Bytes.wrap(bytes("1")));
        s.write(Key.of("a/b"), Bytes.wrap(bytes("2")));
        assertThat(s.list(Key.of("a"))).containsExactly(Key.of("a"), Key.of("a/b"));
        assertThat(s.listDir(Key.ROOT)).isEqualTo(new ListableStore.Listing(
                List.of(Key.of("a")), List.of(Key.of("a"))));
    }

    @Test
    void describeNamesTheStore() {
        assertThat(new MemoryStore("scratch").describe()).isEqualTo("memory:scratch");
        assertThat(new MemoryStore().describe()).isEqualTo("memory:");
    }

    @Test
    void writingTheRootKeyIsACallerBug() {
        assertThatThrownBy(() -> new MemoryStore().write(Key.ROOT, Bytes.EMPTY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizeAndClear() {
        MemoryStore s = new MemoryStore();
        s.write(Key.of("a"), Bytes.EMPTY);
        s.write(Key.of("b/c"), Bytes.EMPTY);
        assertThat(s.size()).isEqualTo(2);
        s.clear();
        assertThat(s.size()).isZero();
        assertThat(s.list(Key.ROOT)).isEmpty();
    }
}
