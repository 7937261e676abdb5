package dev.ngff.store;

import dev.ngff.store.ListableStore.Listing;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract of {@link ListableStore}, on top of {@link ReadableStoreContract}. */
public abstract class ListableStoreContract extends ReadableStoreContract {

    @Override
    protected abstract ListableStore createStore(Map<Key, byte[]> contents) throws Exception;

    @Override
    protected ListableStore store(Map<Key, byte[]> contents) throws Exception {
        return (ListableStore) super.store(contents);
    }

    /** Keys whose paths share string prefixes without sharing key prefixes ("a", "a-b", "a.c", "ab"). */
    protected static Map<Key, byte[]> siblings() {
        Map<Key, byte[]> m = new TreeMap<>();
        for (String k : List.of("a/x", "a/y/z", "a-b/x", "a.c", "ab/x", "b")) {
            m.put(Key.of(k), bytes(k));
        }
        return m;
    }

    private static List<Key> keys(String... paths) {
        List<Key> out = new ArrayList<>();
        for (String p : paths) {
            out.add(Key.of(p));
        }
        return out;
    }

    @Test
    void listRootReturnsEveryKeyInOrder() throws Exception {
        Map<Key, byte[]> sample = sample();
        ListableStore s = store(sample);
        assertThat(s.list(Key.ROOT)).containsExactlyElementsOf(new TreeMap<>(sample).keySet());
    }

    @Test
    void listOfAnEmptyStoreIsEmpty() throws Exception {
        ListableStore s = store(Map.of());
        assertThat(s.list(Key.ROOT)).isEmpty();
        assertThat(s.listDir(Key.ROOT)).isEqualTo(new Listing(List.of(), List.of()));
    }

    @Test
    void listNestedPrefix() throws Exception {
        ListableStore s = store(sample());
        assertThat(s.list(Key.of("group/array/c"))).containsExactlyElementsOf(
                keys("group/array/c/0/0", "group/array/c/0/1", "group/array/c/1/0"));
        assertThat(s.list(Key.of("group/array/c/1"))).containsExactly(Key.of("group/array/c/1/0"));
    }

    @Test
    void listIsLexicographicAcrossSeparators() throws Exception {
        ListableStore s = store(siblings());
        assertThat(s.list(Key.ROOT)).containsExactlyElementsOf(keys("a-b/x", "a.c", "a/x", "a/y/z", "ab/x", "b"));
    }

    @Test
    void listDoesNotLeakIntoSiblingsSharingAStringPrefix() throws Exception {
        ListableStore s = store(siblings());
        assertThat(s.list(Key.of("a"))).containsExactlyElementsOf(keys("a/x", "a/y/z"));
        assertThat(s.listDir(Key.of("a"))).isEqualTo(new Listing(keys("a/x"), keys("a/y")));
    }

    @Test
    void listOfMissingPrefixIsEmpty() throws Exception {
        ListableStore s = store(sample());
        assertThat(s.list(Key.of("nope"))).isEmpty();
        assertThat(s.list(Key.of("group/nope/deeper"))).isEmpty();
        assertThat(s.listDir(Key.of("nope"))).isEqualTo(new Listing(List.of(), List.of()));
    }

    @Test
    void listOfAPrefixThatIsAnObjectIsThatObject() throws Exception {
        ListableStore s = store(sample());
        assertThat(s.list(SMALL)).containsExactly(SMALL);
        assertThat(s.listDir(SMALL)).isEqualTo(new Listing(List.of(), List.of()));
    }

    @Test
    void listDirOfRootShowsOneLevel() throws Exception {
        ListableStore s = store(sample());
        assertThat(s.listDir(Key.ROOT)).isEqualTo(new Listing(keys("zarr.json"), keys("group", "odd names")));
    }

    @Test
    void listDirOfNestedPrefix() throws Exception {
        ListableStore s = store(sample());
        assertThat(s.listDir(Key.of("group"))).isEqualTo(new Listing(keys("group/empty", "group/large.bin"), keys("group/array")));
        assertThat(s.listDir(Key.of("group/array"))).isEqualTo(new Listing(keys("group/array/zarr.json"), keys("group/array/c")));
        assertThat(s.listDir(Key.of("group/array/c"))).isEqualTo(new Listing(List.of(), keys("group/array/c/0", "group/array/c/1")));
        assertThat(s.listDir(Key.of("group/array/c/0"))).isEqualTo(new Listing(keys("group/array/c/0/0", "group/array/c/0/1"), List.of()));
    }

    @Test
    void listedKeysAreReadable() throws Exception {
        Map<Key, byte[]> sample = sample();
        ListableStore s = store(sample);
        for (Key k : s.list(Key.ROOT)) {
            assertThat(content(s.read(k))).as(k.path()).isEqualTo(sample.get(k));
        }
    }
}
