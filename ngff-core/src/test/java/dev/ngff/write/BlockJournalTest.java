package dev.ngff.write;

import dev.ngff.buffer.Bytes;
import dev.ngff.store.Key;
import dev.ngff.store.MemoryStore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A journal entry verifies only while every object it lists is as recorded. */
class BlockJournalTest {
    private final MemoryStore store = new MemoryStore("mem");
    private final Key a = Key.of("raw/c/0/0");
    private final Key b = Key.of("raw/c/0/1");

    @Test
    void verifiesRecordedBlocksAndRejectsChangedOnes() throws Exception {
        store.write(a, Bytes.wrap(new byte[]{1, 2, 3}));
        BlockJournal j = BlockJournal.open(store, Key.ROOT);
        j.record("0", 7, List.of(a, b)); // b absent: a block whose second chunk is all fill
        assertThat(j.verified("0", 7)).as("not listed when opened").isFalse();
        BlockJournal reopened = BlockJournal.open(store, Key.ROOT);
        assertThat(reopened.recordedEntries()).isEqualTo(1);
        assertThat(reopened.verified("0", 7)).isTrue();
        assertThat(reopened.verified("0", 8)).isFalse();
        assertThat(reopened.verified("1", 7)).isFalse();

        store.write(a, Bytes.wrap(new byte[]{1, 2, 4})); // same size, other bytes
        assertThat(reopened.verified("0", 7)).isFalse();
        store.write(a, Bytes.wrap(new byte[]{1, 2, 3}));
        assertThat(reopened.verified("0", 7)).isTrue();
        store.write(b, Bytes.wrap(new byte[]{9})); // recorded absent, now there
        assertThat(reopened.verified("0", 7)).isFalse();
        store.delete(b);
        store.delete(a); // lost
        assertThat(reopened.verified("0", 7)).isFalse();
        store.write(Key.of(BlockJournal.PREFIX + "/0/9"), Bytes.wrap("{not json".getBytes()));
        assertThat(BlockJournal.open(store, Key.ROOT).verified("0", 9)).isFalse();

        reopened.clear();
        assertThat(store.list(Key.of(BlockJournal.PREFIX))).isEmpty();
    }
}
