package dev.ngff.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.metadata.Json;
import dev.ngff.store.Key;
import dev.ngff.store.Store;

import java.io.IOException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * What a resumable bulk writer has finished, checked rather than assumed: one small JSON object per
 * finished block, {@value #PREFIX}{@code /<unit>/<block>}, listing each object the block wrote (its
 * key, size and CRC-32C as stored, read back after the write) and each object it left absent (all
 * fill). A resumed writer skips a block only if {@link #verified} finds every listed object still as
 * recorded; anything else (a missing entry, an object torn or lost by a power cut, an object that is
 * there but should not be) makes it write the block again. Entries are written after their block's
 * objects, and objects are whole (stores write atomically), so an entry never claims more than was
 * written. {@link #clear()} removes the journal when the job is done.
 *
 * <p>Thread-safe for distinct blocks. The journal lives in the destination under the writer lock.
 */
public final class BlockJournal {
    /** The journal's prefix at the destination's root. */
    public static final String PREFIX = ".ngff-journal";

    private final Store store;
    private final Key root;
    private final Set<Key> recorded;
    /** Whether {@link #recorded} is a listing of the entries (else each {@link #verified} reads its entry). */
    private final boolean listed;

    private BlockJournal(Store store, Key root, Set<Key> recorded, boolean listed) {
        this.store = store;
        this.root = root;
        this.recorded = recorded;
        this.listed = listed;
    }

    /** Opens the journal at {@code root}, listing the entries a previous run left (none for a new job). */
    public static BlockJournal open(Store store, Key root) throws IOException {
        return new BlockJournal(store, root, new HashSet<>(store.list(root.resolve(PREFIX))), true);
    }

    /**
     * Opens the journal at {@code root} without listing it: {@link #verified} reads the one entry it is asked
     * about (a missing entry reads as not finished). For the many short-lived workers of a distributed job
     * (ngff-spark), where every worker listing a journal of millions of entries would cost more than the
     * blocks it checks. {@link #recordedEntries} is 0.
     */
    public static BlockJournal openUnlisted(Store store, Key root) {
        return new BlockJournal(store, root, new HashSet<>(), false);
    }

    /** How many entries the previous runs left. */
    public int recordedEntries() {
        return recorded.size();
    }

    private Key entry(String unit, long block) {
        return root.resolve(PREFIX + "/" + unit + "/" + block);
    }

    /**
     * Records block {@code block} of {@code unit} (a name without '/') as finished. {@code objects}
     * are the keys the block covers; each is read back for its size and checksum, or recorded absent.
     */
    public void record(String unit, long block, List<Key> objects) throws IOException {
        ObjectNode doc = Json.object();
        ArrayNode list = doc.putArray("objects");
        for (Key k : objects) {
            ObjectNode o = list.addObject();
            o.put("key", k.path());
            Optional<Bytes> b = store.read(k);
            if (b.isEmpty()) {
                o.put("absent", true);
            } else {
                o.put("size", b.get().size());
                o.put("crc32c", crc(b.get()));
            }
        }
        store.write(entry(unit, block), Json.write(doc));
    }

    /** True when block {@code block} of {@code unit} is recorded and every object it lists is still as recorded. */
    public boolean verified(String unit, long block) throws IOException {
        Key e = entry(unit, block);
        if (listed && !recorded.contains(e)) {
            return false;
        }
        Optional<Bytes> doc = store.read(e);
        if (doc.isEmpty()) {
            return false;
        }
        JsonNode objects;
        try {
            objects = Json.parse(doc.get(), store.describe() + " '" + e + "'").path("objects");
        } catch (InvalidMetadataException bad) {
            return false;
        }
        if (!objects.isArray()) {
            return false;
        }
        for (JsonNode o : objects) {
            Key k;
            try {
                k = Key.of(o.path("key").asText());
            } catch (IllegalArgumentException bad) {
                return false;
            }
            Optional<Bytes> b = store.read(k);
            if (o.path("absent").asBoolean(false)) {
                if (b.isPresent()) {
                    return false;
                }
            } else if (b.isEmpty() || b.get().size() != o.path("size").asLong(-1) || !crc(b.get()).equals(o.path("crc32c").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Removes every entry. */
    public void clear() throws IOException {
        store.deletePrefix(root.resolve(PREFIX));
        recorded.clear();
    }

    private static String crc(Bytes b) {
        CRC32C c = new CRC32C();
        c.update(b.asByteBuffer());
        return HexFormat.of().toHexDigits((int) c.getValue());
    }
}
