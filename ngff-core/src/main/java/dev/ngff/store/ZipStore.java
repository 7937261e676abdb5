package dev.ngff.store;

import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.StoreException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A read-only store over a zip file, such as a single-file OME-Zarr ({@code .ozx}).
 *
 * <p>The hierarchy may lie at the root of the zip or inside one top-level directory (a zipped
 * {@code image.zarr/}). {@link #open(Path)} detects which: if the root holds no {@code zarr.json},
 * {@code .zgroup} or {@code .zarray} but exactly one top-level directory does, that directory is the
 * store's root; {@link #open(Path, Key)} names it explicitly. Entries outside that directory, directory
 * entries, and entries whose names are not valid {@link Key}s (absolute paths, {@code ..}, backslashes)
 * are invisible.
 *
 * <p>Entries are read through {@link ZipFile}, which handles ZIP64 and may be read by many threads at
 * once. A range of a STORED (uncompressed) entry is a positional read of just those bytes of the zip
 * file, at an offset taken from the central directory and the entry's local header; a range of a
 * DEFLATED entry inflates from the start of the entry and skips to the range. Ranges of more than
 * 2 GiB are memory-mapped for STORED entries and rejected for compressed ones.
 *
 * <p>Thread-safe; the zip file must not change while the store is open. A missing key (or a prefix)
 * reads as {@link Optional#empty()}. Failures, corrupt entries included, are {@link StoreException}s
 * naming this store, the key and the byte range. {@link #close()} releases the file; reads after it
 * fail.
 */
public final class ZipStore implements ListableStore {
    private static final Set<String> METADATA_NAMES = Set.of("zarr.json", ".zgroup", ".zarray");

    private final Path path;
    private final Key innerPrefix;
    private final ZipFile zip;
    private final NavigableMap<Key, Entry> entries;
    /** Names of entries below the inner prefix that are no valid keys, relative to it; reported by listDir. */
    private final List<String> unreachable;
    private volatile FileChannel channel;
    private volatile boolean closed;

    /** One visible entry; the data offset of a STORED entry is found on first use. */
    private static final class Entry {
        final ZipEntry zipEntry;
        final long localHeaderOffset;
        volatile long dataOffset = -1;

        Entry(ZipEntry zipEntry, long localHeaderOffset) {
            this.zipEntry = zipEntry;
            this.localHeaderOffset = localHeaderOffset;
        }

        boolean positional() {
            return zipEntry.getMethod() == ZipEntry.STORED && localHeaderOffset >= 0 && zipEntry.getSize() >= 0;
        }
    }

    private ZipStore(Path path, Key innerPrefix, boolean detect) throws StoreException {
        this.path = path.toAbsolutePath().normalize();
        try {
            this.zip = new ZipFile(this.path.toFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException(describe() + ": cannot open zip file: " + dev.ngff.error.Causes.describe(e), e);
        }
        try {
            this.channel = FileChannel.open(this.path, StandardOpenOption.READ);
            Map<String, Long> offsets = localHeaderOffsets(channel);
            Map<String, ZipEntry> byName = files(zip);
            this.innerPrefix = detect ? detectPrefix(byName.keySet()) : innerPrefix;
            this.entries = index(byName, offsets, this.innerPrefix);
            this.unreachable = unreachable(byName.keySet(), this.innerPrefix);
        } catch (IOException | RuntimeException e) {
            closeQuietly(e);
            throw e instanceof StoreException se ? se
                    : new StoreException(describe() + ": cannot read zip file: " + dev.ngff.error.Causes.describe(e), e);
        }
    }

    /** Opens a zip file, detecting a single top-level directory that holds the hierarchy. */
    public static ZipStore open(Path zipFile) throws StoreException {
        return new ZipStore(zipFile, Key.ROOT, true);
    }

    /** Opens a zip file whose hierarchy lies below {@code innerPrefix} ({@link Key#ROOT} for the root). */
    public static ZipStore open(Path zipFile, Key innerPrefix) throws StoreException {
        return new ZipStore(zipFile, Objects.requireNonNull(innerPrefix, "innerPrefix"), false);
    }

    /** The zip file. */
    public Path path() {
        return path;
    }

    /** The directory inside the zip that is this store's root; {@link Key#ROOT} for the zip's root. */
    public Key innerPrefix() {
        return innerPrefix;
    }

    // ---------------------------------------------------------------- opening

    private static Map<String, Long> localHeaderOffsets(FileChannel ch) {
        try {
            return ZipCentralDirectory.localHeaderOffsets(ch);
        } catch (IOException e) {
            return Map.of(); // unusual layout: ZipFile accepted it, so stream every entry instead
        }
    }

    private static Map<String, ZipEntry> files(ZipFile zip) {
        Map<String, ZipEntry> out = new TreeMap<>();
        Enumeration<? extends ZipEntry> all = zip.entries();
        while (all.hasMoreElements()) {
            ZipEntry e = all.nextElement();
            if (!e.isDirectory()) {
                out.put(e.getName(), e);
            }
        }
        return out;
    }

    private static Key detectPrefix(Set<String> names) {
        Set<String> candidates = new TreeSet<>();
        for (String name : names) {
            int slash = name.indexOf('/');
            if (slash < 0 && METADATA_NAMES.contains(name)) {
                return Key.ROOT;
            }
            if (slash > 0 && name.indexOf('/', slash + 1) < 0 && METADATA_NAMES.contains(name.substring(slash + 1))) {
                candidates.add(name.substring(0, slash));
            }
        }
        if (candidates.size() != 1) {
            return Key.ROOT;
        }
        try {
            return Key.of(candidates.iterator().next());
        } catch (IllegalArgumentException e) {
            return Key.ROOT;
        }
    }

    private static NavigableMap<Key, Entry> index(Map<String, ZipEntry> byName, Map<String, Long> offsets, Key prefix) {
        NavigableMap<Key, Entry> out = new TreeMap<>();
        for (Map.Entry<String, ZipEntry> e : byName.entrySet()) {
            Optional<Key> key = toKey(e.getKey(), prefix);
            if (key.isPresent()) {
                out.put(key.get(), new Entry(e.getValue(), offsets.getOrDefault(e.getKey(), -1L)));
            }
        }
        return Collections.unmodifiableNavigableMap(out);
    }

    private static List<String> unreachable(Set<String> names, Key prefix) {
        String below = prefix.isRoot() ? "" : prefix.path() + "/";
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (name.startsWith(below) && name.length() > below.length() && toKey(name, prefix).isEmpty()) {
                out.add(name.substring(below.length()));
            }
        }
        return List.copyOf(out);
    }

    private static Optional<Key> toKey(String name, Key prefix) {
        try {
            Key k = Key.of(name);
            return k.startsWith(prefix) && !k.equals(prefix) ? Optional.of(k.relativeTo(prefix)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- reads

    /** True if ranges of {@code key} are positional reads of the zip file (a STORED entry); for tests. */
    boolean readsByPosition(Key key) {
        Entry e = entries.get(key);
        return e != null && e.positional();
    }

    @Override
    public Optional<Bytes> read(Key key, ByteRange range) throws IOException {
        Objects.requireNonNull(range, "range");
        Entry e = entries.get(Objects.requireNonNull(key, "key"));
        if (e == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(e.positional() ? readStored(e, range) : readStreamed(e, key, range));
        } catch (StoreException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            throw StoreErrors.failure(this, "reading", key, range, ex);
        }
    }

    @Override
    public boolean exists(Key key) {
        return entries.containsKey(Objects.requireNonNull(key, "key"));
    }

    /** The size from the central directory; nothing is read or inflated. */
    @Override
    public java.util.OptionalLong size(Key key) throws IOException {
        Entry e = entries.get(Objects.requireNonNull(key, "key"));
        if (e == null) {
            return java.util.OptionalLong.empty();
        }
        long size = e.zipEntry.getSize();
        return size >= 0 ? java.util.OptionalLong.of(size) : ListableStore.super.size(key);
    }

    /**
     * Reads only when the central directory's size matches {@code dest}: an entry of another size is
     * reported by its size without being read or inflated, so a chunk that claims a gigabyte costs
     * nothing.
     */
    @Override
    public long readInto(Key key, MemorySegment dest) throws IOException {
        Entry e = entries.get(Objects.requireNonNull(key, "key"));
        if (e == null) {
            return -1;
        }
        long size = e.zipEntry.getSize();
        if (size >= 0 && size != dest.byteSize()) {
            return size;
        }
        return ListableStore.super.readInto(key, dest);
    }

    private Bytes readStored(Entry e, ByteRange range) throws IOException {
        long size = e.zipEntry.getSize();
        long start = range.start(size);
        long length = Math.max(0, range.end(size) - start);
        if (length == 0) {
            return Bytes.EMPTY;
        }
        long position = dataOffset(e) + start;
        for (int attempt = 1; ; attempt++) {
            FileChannel ch = channel();
            try {
                return length > Buffers.MAX_HEAP_ARRAY ? map(ch, position, length) : readFully(ch, position, (int) length);
            } catch (ClosedByInterruptException ex) {
                throw ex; // this thread was interrupted; the next read reopens the channel
            } catch (ClosedChannelException ex) {
                if (attempt >= 2 || closed) {
                    throw ex; // another thread's interrupt closed the shared channel: retry once
                }
            }
        }
    }

    private long dataOffset(Entry e) throws IOException {
        long cached = e.dataOffset;
        if (cached >= 0) {
            return cached;
        }
        ByteBuffer loc = ZipCentralDirectory.read(channel(), e.localHeaderOffset, ZipCentralDirectory.LOC_LEN);
        if (loc.getInt(0) != ZipCentralDirectory.LOC_SIG) {
            throw new ZipException("bad local header signature at " + e.localHeaderOffset);
        }
        long offset = e.localHeaderOffset + ZipCentralDirectory.LOC_LEN + (loc.getShort(26) & 0xFFFF) + (loc.getShort(28) & 0xFFFF);
        if (offset + e.zipEntry.getSize() > zipLength()) {
            throw new EOFException("entry data runs past the end of the zip file");
        }
        e.dataOffset = offset;
        return offset;
    }

    private Bytes readStreamed(Entry e, Key key, ByteRange range) throws IOException {
        long size = e.zipEntry.getSize();
        try (InputStream in = zip.getInputStream(e.zipEntry)) {
            if (size < 0) { // no size in the directory: read no further than the range can reach
                long end = Math.min(range.end(Long.MAX_VALUE), Buffers.MAX_HEAP_ARRAY);
                byte[] all = in.readNBytes((int) end);
                return slice(Bytes.wrap(all), range);
            }
            long start = range.start(size);
            long length = Math.max(0, range.end(size) - start);
            if (length > Buffers.MAX_HEAP_ARRAY) {
                throw StoreErrors.failure(this, "reading", key, range, "ranges above 2 GiB of compressed entries are not supported");
            }
            in.skipNBytes(start);
            byte[] data = in.readNBytes((int) length);
            if (data.length != length) {
                throw StoreErrors.failure(this, "reading", key, range, "entry holds " + (start + data.length) + " bytes, its header says " + size);
            }
            return Bytes.wrap(data);
        }
    }

    private static Bytes slice(Bytes all, ByteRange range) {
        long start = range.start(all.size());
        return all.slice(start, Math.max(0, range.end(all.size()) - start));
    }

    private static Bytes readFully(FileChannel ch, long position, int length) throws IOException {
        return Bytes.wrap(ZipCentralDirectory.read(ch, position, length).array());
    }

    private static Bytes map(FileChannel ch, long position, long length) throws IOException {
        MemorySegment segment = ch.map(FileChannel.MapMode.READ_ONLY, position, length, Arena.ofAuto());
        return Bytes.wrap(segment);
    }

    private long zipLength() throws IOException {
        return channel().size();
    }

    /** The shared channel, reopened if an interrupted reader closed it. */
    private FileChannel channel() throws IOException {
        FileChannel ch = channel;
        if (ch.isOpen()) {
            return ch;
        }
        synchronized (this) {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (!channel.isOpen()) {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            }
            return channel;
        }
    }

    // ---------------------------------------------------------------- listing

    @Override
    public List<Key> list(Key prefix) {
        List<Key> out = new ArrayList<>();
        for (Key k : entries.tailMap(Objects.requireNonNull(prefix, "prefix"), true).keySet()) {
            if (!k.path().startsWith(prefix.path())) {
                break;
            }
            if (k.startsWith(prefix)) {
                out.add(k);
            }
        }
        return out;
    }

    @Override
    public Listing listDir(Key prefix) {
        List<Key> objects = new ArrayList<>();
        TreeSet<Key> prefixes = new TreeSet<>();
        int depth = prefix.segments().size();
        for (Key k : list(prefix)) {
            List<String> segments = k.segments();
            if (segments.size() == depth + 1) {
                objects.add(k);
            } else if (segments.size() > depth + 1) {
                prefixes.add(prefix.resolve(segments.get(depth)));
            }
        }
        return new Listing(objects, new ArrayList<>(prefixes), skippedBelow(prefix));
    }

    /** The names directly below {@code prefix} of entries that no key can reach. */
    private List<String> skippedBelow(Key prefix) {
        String below = prefix.isRoot() ? "" : prefix.path() + "/";
        List<String> out = new ArrayList<>();
        for (String name : unreachable) {
            if (!name.startsWith(below)) {
                continue;
            }
            String rest = name.substring(below.length());
            int slash = rest.indexOf('/');
            String segment = slash < 0 ? rest : rest.substring(0, slash);
            if (segment.isEmpty()) {
                out.add(rest); // an empty segment, as in "a//b" or "/abs"
                continue;
            }
            try {
                Key.of(segment);
            } catch (IllegalArgumentException e) {
                out.add(segment);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public String describe() {
        return "zip:" + path;
    }

    @Override
    public String toString() {
        return innerPrefix.isRoot() ? describe() : describe() + "!/" + innerPrefix;
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closed = true;
        }
        try (zip) {
            FileChannel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }
    }

    private void closeQuietly(Exception cause) {
        try {
            close();
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
