package dev.ngff.store;

import dev.ngff.buffer.Bytes;
import dev.ngff.error.StoreException;
import dev.ngff.error.WriterLockedException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * Writes a single-file OME-Zarr ({@code .ozx}, NGFF RFC-9) in one pass: a store whose writes become entries
 * of a ZIP archive as they arrive, with the central directory written once, by {@link #finish()}.
 *
 * <p><b>Layout.</b> Every entry is stored (no ZIP compression) with ZIP64 size fields, whatever its size. The
 * metadata documents are known when the write is planned, so the archive starts with one entry per planned
 * document ({@link Slot}), breadth-first (by depth, then by path; the root's {@code zarr.json} first), each
 * holding its planned bytes padded with spaces to the slot's capacity. Writing such a key later replaces the
 * entry's bytes in place (the padding keeps a JSON document valid and the entry's size fixed); a document
 * larger than its slot is refused. Every other key is appended as a new entry when it is written, its size and
 * CRC-32 known before the header is written (a shard is whole in memory). {@link #finish()} writes the central
 * directory, the planned documents' records first in the same order, then the others in the order they were
 * written, and the archive comment ({@link Options#comment()}, RFC-9's {@code {"ome":{"version":"0.5"}}} plus a
 * NUL for the recommended variant).
 *
 * <p><b>What readers see.</b> A ZIP file is read from its end-of-central-directory record, which exists only
 * after {@link #finish()}: until then no ZIP reader sees anything, so the central directory is the commit
 * point, and planned metadata at the start of the file is not metadata ahead of data for any reader. Through
 * this store (reads, lists) a key is visible once it was written: a planned document only after its key was
 * written (in this run or, for {@link #resume}, in the run that was killed).
 *
 * <p><b>Resume.</b> {@link #resume} scans the local headers from the start, checks each entry's CRC-32, cuts
 * the file after the last intact entry (a torn tail: a write cut by {@code kill -9}) and rebuilds the
 * directory; a planned document whose in-place rewrite was torn reads as not written again. Writing a key
 * again with the bytes it already holds costs no space, so a resumed writer may simply redo its work. Writing
 * a data key again with other bytes appends a new entry that replaces the old one in the directory (the old
 * bytes stay in the file, unnamed); a deleted key is dropped from the directory, and comes back after a
 * {@link #resume} if the writer was killed before finishing.
 *
 * <p><b>Memory.</b> Per written entry an index of 16 bytes (a hash of the name and the entry's offset; names,
 * sizes and CRCs are read back from the local headers) plus its central-directory record (about 80 bytes and
 * the name) until {@link Options#recordsInMemory()} records are held; then the records go to a temporary file
 * beside the archive ({@code NAME.cdir-tmp}), read back once by {@link #finish()}.
 *
 * <p><b>Writer state.</b> Keys whose first segment starts with {@code .ngff-} (the writer lock, the incomplete
 * marker, the block journal of {@code dev.ngff.write}) never go into the archive: they are kept in the
 * {@link Options#companion()} store, and refused when there is none.
 *
 * <p><b>Concurrency.</b> Thread-safe: concurrent writes reserve their place in the file in turn and copy their
 * bytes in parallel. One writer per archive: the archive file is locked (an OS file lock) from open to close;
 * a second writer, in this or another process, gets a {@link WriterLockedException}. {@link #finish()} and
 * {@link #close()} must not run concurrently with writes.
 */
public final class OzxWriter implements Store {
    /** The first segment of keys that hold writer state rather than hierarchy objects. */
    public static final String STATE_PREFIX = ".ngff-";
    /** How a ZIP archive ends when it has no comment. */
    public static final String NO_COMMENT = "";

    private static final int LOC_SIG = 0x04034b50;
    private static final int CEN_SIG = 0x02014b50;
    private static final int LOC_FIXED = 30;
    private static final int LOC_EXTRA = 20;
    private static final int CEN_FIXED = 46;
    private static final int CEN_EXTRA = 28;
    /** 1980-01-01 in MS-DOS format: entries carry no wall-clock time, so equal runs give equal entries. */
    private static final short DOS_DATE = (1 << 5) | 1;
    /** The DOS time of a planned document not written yet (00:00:02); every written entry has time 0. */
    private static final short PLACEHOLDER_TIME = 1;
    /** Planned documents are metadata: larger slots are a caller bug. */
    private static final int MAX_SLOT = 16 << 20;

    /**
     * A planned metadata document: its entry is written at the start of the archive with {@code planned}
     * padded by spaces to {@code capacity} bytes, and rewritten in place when {@code key} is written.
     */
    public record Slot(Key key, Bytes planned, int capacity) {
        public Slot {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(planned, "planned");
            if (key.isRoot() || key.segments().getFirst().startsWith(STATE_PREFIX)) {
                throw new IllegalArgumentException("a planned document needs an object key outside "
                        + STATE_PREFIX + "*: '" + key.path() + "'");
            }
            if (capacity < planned.size() || capacity > MAX_SLOT) {
                throw new IllegalArgumentException("slot '" + key.path() + "': capacity " + capacity + " for "
                        + planned.size() + " planned bytes (at most " + MAX_SLOT + ")");
            }
        }

        /** A slot exactly as large as its planned document: for metadata that the data cannot change. */
        public static Slot exact(Key key, Bytes planned) {
            return new Slot(key, planned, Math.toIntExact(planned.size()));
        }

        /** Breadth-first order: by depth, then by path, so a parent's document precedes its children's. */
        static final Comparator<Slot> BREADTH_FIRST = Comparator.<Slot>comparingInt(s -> s.key().segments().size())
                .thenComparing(s -> s.key().path());
    }

    /**
     * How an archive is written.
     *
     * @param slots           the planned metadata documents, in any order (they are written breadth-first)
     * @param comment         the archive comment, {@link #NO_COMMENT} for none (at most 65535 UTF-8 bytes)
     * @param recordsInMemory central-directory records held in memory before they spill to a file (at least 1)
     * @param companion       where {@value #STATE_PREFIX}* keys go, or null to refuse them
     * @param durable         force the archive to disk in {@link #finish()} before and after the central directory
     */
    public record Options(List<Slot> slots, String comment, int recordsInMemory, Store companion, boolean durable) {
        public Options {
            slots = slots.stream().sorted(Slot.BREADTH_FIRST).toList();
            Objects.requireNonNull(comment, "comment");
            if (comment.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
                throw new IllegalArgumentException("an archive comment holds at most 65535 bytes");
            }
            if (recordsInMemory < 1) {
                throw new IllegalArgumentException("recordsInMemory must be at least 1, not " + recordsInMemory);
            }
            for (int i = 1; i < slots.size(); i++) {
                if (slots.get(i).key().equals(slots.get(i - 1).key())) {
                    throw new IllegalArgumentException("slot '" + slots.get(i).key().path() + "' planned twice");
                }
            }
        }

        /** The given slots, no comment, 65536 records in memory, no companion, not durable. */
        public static Options of(List<Slot> slots) {
            return new Options(slots, NO_COMMENT, 1 << 16, null, false);
        }

        public Options withComment(String c) {
            return new Options(slots, c, recordsInMemory, companion, durable);
        }

        public Options withRecordsInMemory(int n) {
            return new Options(slots, comment, n, companion, durable);
        }

        public Options withCompanion(Store c) {
            return new Options(slots, comment, recordsInMemory, c, durable);
        }

        public Options withDurable(boolean d) {
            return new Options(slots, comment, recordsInMemory, companion, d);
        }
    }

    /**
     * What {@link #resume} found.
     *
     * @param keptEntries  intact entries kept (planned documents included)
     * @param cutAt        the file offset the archive was cut at (its length when nothing was cut)
     * @param droppedBytes the bytes removed after the last intact entry
     * @param tornSlots    planned documents whose in-place rewrite was torn, now back to their planned bytes
     */
    public record ResumeReport(long keptEntries, long cutAt, long droppedBytes, int tornSlots) {
    }

    private final Path path;
    private final Options options;
    private final FileChannel ch;
    private final FileLock lock;
    private final Path spillPath;
    /** Per slot, in archive order: the local header offset, the current bytes (padded) and whether written. */
    private final long[] slotOffsets;
    private final Bytes[] slotBytes;
    private final boolean[] slotWritten;
    private final Map<Key, Integer> slotIndex = new HashMap<>();
    private final OffsetIndex index = new OffsetIndex();
    private final java.io.ByteArrayOutputStream records = new java.io.ByteArrayOutputStream();
    private int recordsHeld;
    private long recordsSpilled;
    private long superseded;
    private FileChannel spill;
    private long end;
    private boolean finished;
    private boolean closed;
    private ResumeReport resumeReport;

    private OzxWriter(Path path, Options options, FileChannel ch, FileLock lock) {
        this.path = path;
        this.options = options;
        this.ch = ch;
        this.lock = lock;
        this.spillPath = path.resolveSibling(path.getFileName() + ".cdir-tmp");
        int n = options.slots().size();
        slotOffsets = new long[n];
        slotBytes = new Bytes[n];
        slotWritten = new boolean[n];
        for (int i = 0; i < n; i++) {
            slotIndex.put(options.slots().get(i).key(), i);
        }
    }

    /**
     * Starts a new archive at {@code path}, replacing what a file there held, and writes the planned
     * documents' entries.
     *
     * @throws WriterLockedException another writer has the archive open
     */
    public static OzxWriter create(Path path, Options options) throws IOException {
        OzxWriter w = open(path, options);
        try {
            w.ch.truncate(0);
            w.writeSlots();
            return w;
        } catch (IOException | RuntimeException e) {
            w.closeQuietly();
            throw e;
        }
    }

    /**
     * Continues an archive that a killed writer left without its central directory (or a finished one, whose
     * central directory is then dropped and written again by {@link #finish()}): intact entries are kept, the
     * tail after the last one is cut off. An empty or missing file starts anew. {@code options} must plan the
     * same documents with the same capacities as the first run.
     *
     * @throws StoreException the file is not an archive this writer started with these planned documents
     */
    public static OzxWriter resume(Path path, Options options) throws IOException {
        OzxWriter w = open(path, options);
        try {
            w.resumeReport = w.scan();
            return w;
        } catch (IOException | RuntimeException e) {
            w.closeQuietly();
            throw e;
        }
    }

    private static OzxWriter open(Path path, Options options) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("zip:" + path + ": cannot open the archive for writing: " + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            ch.close();
            throw new StoreException("zip:" + path + ": cannot lock the archive: " + e.getMessage(), e);
        }
        if (lock == null) {
            ch.close();
            throw new WriterLockedException("zip:" + path + " is being written by another writer (its file is locked)");
        }
        OzxWriter w = new OzxWriter(path, options, ch, lock);
        Files.deleteIfExists(w.spillPath); // the records of a killed run are rebuilt from its local headers
        return w;
    }

    /** What {@link #resume} kept and cut; empty for an archive started by {@link #create}. */
    public Optional<ResumeReport> resumeReport() {
        return Optional.ofNullable(resumeReport);
    }

    /** The archive file. */
    public Path path() {
        return path;
    }

    // ---- layout ----

    private void writeSlots() throws IOException {
        long pos = 0;
        for (int i = 0; i < slotOffsets.length; i++) {
            Slot s = options.slots().get(i);
            Bytes padded = padded(s, s.planned());
            slotOffsets[i] = pos;
            slotBytes[i] = padded;
            byte[] name = name(s.key());
            writeFully(localHeader(name, crc(padded), padded.size(), PLACEHOLDER_TIME), pos);
            pos += LOC_FIXED + name.length + LOC_EXTRA;
            writeFully(padded.asByteBuffer(), pos);
            pos += padded.size();
        }
        end = pos;
    }

    /**
     * Whether the file's {@code length} bytes are a proper start of what {@link #writeSlots()} writes: a run
     * killed before its planned documents were all written. A file with anything else stays untouched.
     */
    private boolean isPrefixOfPlannedSlots(long length) throws IOException {
        java.io.ByteArrayOutputStream planned = new java.io.ByteArrayOutputStream();
        for (Slot s : options.slots()) {
            Bytes padded = padded(s, s.planned());
            ByteBuffer head = localHeader(name(s.key()), crc(padded), padded.size(), PLACEHOLDER_TIME);
            planned.write(head.array(), head.arrayOffset() + head.position(), head.remaining());
            planned.writeBytes(padded.toArray());
        }
        byte[] want = planned.toByteArray();
        if (length >= want.length) {
            return false;
        }
        ByteBuffer got = readFully(0, (int) length);
        return got.remaining() == length && got.equals(ByteBuffer.wrap(want, 0, (int) length));
    }

    private static Bytes padded(Slot s, Bytes content) {
        if (content.size() == s.capacity()) {
            return content;
        }
        byte[] b = new byte[s.capacity()];
        content.copyTo(java.lang.foreign.MemorySegment.ofArray(b), 0);
        java.util.Arrays.fill(b, (int) content.size(), b.length, (byte) ' ');
        return Bytes.wrap(b);
    }

    private static byte[] name(Key key) {
        return key.path().getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuffer localHeader(byte[] name, long crc, long size, short time) {
        ByteBuffer b = ByteBuffer.allocate(LOC_FIXED + name.length + LOC_EXTRA).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(LOC_SIG).putShort((short) 45).putShort((short) 0x0800).putShort((short) 0)
                .putShort(time).putShort(DOS_DATE).putInt((int) crc)
                .putInt(0xffffffff).putInt(0xffffffff) // the sizes are in the ZIP64 extra field
                .putShort((short) name.length).putShort((short) LOC_EXTRA).put(name);
        b.putShort((short) 0x0001).putShort((short) 16).putLong(size).putLong(size);
        return b.flip();
    }

    private static byte[] centralRecord(byte[] name, long crc, long size, long offset) {
        ByteBuffer b = ByteBuffer.allocate(CEN_FIXED + name.length + CEN_EXTRA).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(CEN_SIG).putShort((short) 45).putShort((short) 45).putShort((short) 0x0800).putShort((short) 0)
                .putShort((short) 0).putShort(DOS_DATE).putInt((int) crc)
                .putInt(0xffffffff).putInt(0xffffffff)
                .putShort((short) name.length).putShort((short) CEN_EXTRA).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putInt(0).putInt(0xffffffff).put(name);
        b.putShort((short) 0x0001).putShort((short) 24).putLong(size).putLong(size).putLong(offset);
        return b.array();
    }

    private static long crc(Bytes b) {
        CRC32 c = new CRC32();
        c.update(b.asByteBuffer());
        return c.getValue();
    }

    private void writeFully(ByteBuffer b, long pos) throws IOException {
        try {
            while (b.hasRemaining()) {
                pos += ch.write(b, pos);
            }
        } catch (IOException e) {
            throw new StoreException(describe() + ": write at file offset " + pos + " failed: " + e.getMessage(), e);
        }
    }

    private ByteBuffer readFully(long pos, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        long p = pos;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                break;
            }
            p += n;
        }
        return b.flip();
    }

    // ---- resume ----

    private ResumeReport scan() throws IOException {
        long length = ch.size();
        if (length == 0) {
            writeSlots();
            return new ResumeReport(slotOffsets.length, 0, 0, 0);
        }
        if (slotOffsets.length > 0) {
            Header first = header(0, length);
            if (first == null && isPrefixOfPlannedSlots(length)) {
                // killed while writing the planned documents at the start: nothing but those bytes is there
                ch.truncate(0);
                writeSlots();
                return new ResumeReport(slotOffsets.length, 0, 0, 0);
            }
            if (first == null || !first.name().equals(options.slots().getFirst().key().path())) {
                throw new StoreException(describe() + ": not an archive this writer started with these planned "
                        + "documents (no entry '" + options.slots().getFirst().key().path() + "' at file offset 0); "
                        + "nothing was changed");
            }
        }
        long pos = 0;
        int torn = 0;
        for (int i = 0; i < slotOffsets.length; i++) {
            Slot s = options.slots().get(i);
            Header h = header(pos, length);
            if (h == null) {
                // killed while the planned entries were written at the start: nothing after them can exist
                ch.truncate(0);
                writeSlots();
                return new ResumeReport(slotOffsets.length, 0, length, 0);
            }
            if (!h.name().equals(s.key().path()) || h.size() != s.capacity()) {
                throw new StoreException(describe() + ": entry " + i + " at file offset " + pos + " is '" + h.name()
                        + "' of " + h.size() + " bytes, the plan has '" + s.key().path() + "' of " + s.capacity()
                        + " bytes: the archive was started with other metadata; nothing was changed");
            }
            slotOffsets[i] = pos;
            Bytes content = Bytes.wrap(readFully(h.dataAt(), s.capacity()));
            if (content.size() == s.capacity() && crc(content) == h.crc()) {
                slotBytes[i] = content;
                slotWritten[i] = h.time() != PLACEHOLDER_TIME;
            } else {
                torn++; // an in-place rewrite cut short: back to the planned bytes, not written
                slotBytes[i] = padded(s, s.planned());
                writeFully(localHeader(name(s.key()), crc(slotBytes[i]), s.capacity(), PLACEHOLDER_TIME), pos);
                writeFully(slotBytes[i].asByteBuffer(), h.dataAt());
            }
            pos = h.dataAt() + s.capacity();
        }
        long kept = slotOffsets.length;
        byte[] buf = new byte[1 << 20];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        while (pos < length) {
            Header h = header(pos, length);
            if (h == null || slotIndex.containsKey(Key.of(h.name())) || h.time() == PLACEHOLDER_TIME) {
                break;
            }
            CRC32 c = new CRC32();
            long left = h.size();
            long p = h.dataAt();
            while (left > 0) {
                bb.clear().limit((int) Math.min(buf.length, left));
                int n = ch.read(bb, p);
                if (n <= 0) {
                    break;
                }
                c.update(buf, 0, n);
                p += n;
                left -= n;
            }
            if (left != 0 || c.getValue() != h.crc()) {
                break;
            }
            register(h.name().getBytes(StandardCharsets.UTF_8), h.crc(), h.size(), pos);
            kept++;
            pos = h.dataAt() + h.size();
        }
        ch.truncate(pos);
        end = pos;
        return new ResumeReport(kept, pos, length - pos, torn);
    }

    /** A local header as this writer writes them. */
    private record Header(String name, long crc, long size, short time, long dataAt) {
    }

    /** The local header at {@code pos}, or null when there is none of this writer's form, or it runs past the end. */
    private Header header(long pos, long length) throws IOException {
        if (pos + LOC_FIXED > length) {
            return null;
        }
        ByteBuffer b = readFully(pos, LOC_FIXED);
        if (b.remaining() < LOC_FIXED || b.getInt(0) != LOC_SIG || b.getShort(8) != 0
                || b.getInt(18) != 0xffffffff || (b.getShort(28) & 0xffff) != LOC_EXTRA) {
            return null;
        }
        int nameLen = b.getShort(26) & 0xffff;
        if (pos + LOC_FIXED + nameLen + LOC_EXTRA > length) {
            return null;
        }
        ByteBuffer rest = readFully(pos + LOC_FIXED, nameLen + LOC_EXTRA);
        byte[] name = new byte[nameLen];
        rest.get(name);
        if (rest.getShort() != 0x0001 || rest.getShort() != 16) {
            return null;
        }
        long size = rest.getLong();
        long dataAt = pos + LOC_FIXED + nameLen + LOC_EXTRA;
        if (size < 0 || size != rest.getLong() || size > length - dataAt) {
            return null;
        }
        String n = new String(name, StandardCharsets.UTF_8);
        try {
            Key.of(n);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new Header(n, b.getInt(14) & 0xffffffffL, size, b.getShort(10), dataAt);
    }

    // ---- writes ----

    private static boolean isState(Key key) {
        return !key.isRoot() && key.segments().getFirst().startsWith(STATE_PREFIX);
    }

    private Store companion(Key key) {
        if (options.companion() == null) {
            throw new IllegalArgumentException("'" + key.path() + "' is writer state (" + STATE_PREFIX
                    + "*) and this archive writer has no companion store for it");
        }
        return options.companion();
    }

    @Override
    public void write(Key key, Bytes value) throws IOException {
        write(key, List.of(value));
    }

    @Override
    public void write(Key key, List<Bytes> pieces) throws IOException {
        if (isState(key)) {
            companion(key).write(key, pieces);
            return;
        }
        Integer slot = slotIndex.get(key);
        if (slot != null) {
            rewriteSlot(slot, pieces.size() == 1 ? pieces.getFirst() : Bytes.concat(pieces.toArray(Bytes[]::new)));
            return;
        }
        CRC32 c = new CRC32();
        long size = 0;
        for (Bytes p : pieces) {
            c.update(p.asByteBuffer());
            size += p.size();
        }
        long crc = c.getValue();
        byte[] name = name(key);
        long at;
        synchronized (this) {
            requireOpen();
            long existing = index.find(key.path(), this::nameAt);
            if (existing >= 0) {
                Header h = header(existing, end);
                if (h != null && h.size() == size && h.crc() == crc) {
                    return; // the bytes it holds already (a resumed writer redoing its work)
                }
                if (h != null) {
                    superseded += h.dataAt() - existing + h.size();
                }
            }
            at = end;
            end += LOC_FIXED + name.length + LOC_EXTRA + size;
        }
        long pos = at;
        writeFully(localHeader(name, crc, size, (short) 0), pos);
        pos += LOC_FIXED + name.length + LOC_EXTRA;
        for (Bytes p : pieces) {
            writeFully(p.asByteBuffer(), pos);
            pos += p.size();
        }
        synchronized (this) {
            register(name, crc, size, at);
        }
    }

    private synchronized void rewriteSlot(int i, Bytes content) throws IOException {
        requireOpen();
        Slot s = options.slots().get(i);
        if (content.size() > s.capacity()) {
            throw new StoreException(describe() + " '" + s.key().path() + "': " + content.size() + " bytes do not fit "
                    + "the entry of " + s.capacity() + " bytes reserved for it at file offset " + slotOffsets[i]);
        }
        Bytes padded = padded(s, content);
        if (slotWritten[i] && padded.equals(slotBytes[i])) {
            return;
        }
        byte[] name = name(s.key());
        // the bytes, then the header with the new CRC and the written mark: a rewrite cut short fails its CRC
        // (or still carries the placeholder mark) and reads as not written after a resume
        if (!padded.equals(slotBytes[i])) {
            writeFully(padded.asByteBuffer(), slotOffsets[i] + LOC_FIXED + name.length + LOC_EXTRA);
        }
        writeFully(localHeader(name, crc(padded), s.capacity(), (short) 0), slotOffsets[i]);
        slotBytes[i] = padded;
        slotWritten[i] = true;
    }

    /** Adds a written entry to the index and its record to the central directory to come. Under the monitor. */
    private void register(byte[] name, long crc, long size, long offset) throws IOException {
        index.put(new String(name, StandardCharsets.UTF_8), offset, this::nameAt);
        records.writeBytes(centralRecord(name, crc, size, offset));
        if (++recordsHeld >= options.recordsInMemory()) {
            spillRecords();
        }
    }

    private void spillRecords() throws IOException {
        if (spill == null) {
            spill = FileChannel.open(spillPath, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        ByteBuffer b = ByteBuffer.wrap(records.toByteArray());
        while (b.hasRemaining()) {
            spill.write(b, spill.size());
        }
        recordsSpilled += recordsHeld;
        records.reset();
        recordsHeld = 0;
    }

    /** The name of the entry whose local header is at {@code offset}. */
    private String nameAt(long offset) {
        try {
            ByteBuffer b = readFully(offset + 26, 2);
            int n = b.getShort(0) & 0xffff;
            return StandardCharsets.UTF_8.decode(readFully(offset + LOC_FIXED, n)).toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void delete(Key key) throws IOException {
        if (isState(key)) {
            companion(key).delete(key);
            return;
        }
        requireOpen();
        if (slotIndex.containsKey(key)) {
            throw new StoreException(describe() + " '" + key.path() + "': a planned metadata entry cannot be deleted");
        }
        long at = index.find(key.path(), this::nameAt);
        Header h = at < 0 ? null : header(at, end);
        if (h != null) {
            superseded += h.dataAt() - at + h.size();
        }
        index.remove(key.path(), this::nameAt);
    }

    // conditional writes serve the writer lock, which is writer state: the companion's; archive entries have none

    @Override
    public Optional<String> version(Key key) throws IOException {
        return isState(key) ? companion(key).version(key) : Store.super.version(key);
    }

    @Override
    public Optional<String> writeIfAbsent(Key key, Bytes value) throws IOException {
        return isState(key) ? companion(key).writeIfAbsent(key, value) : Store.super.writeIfAbsent(key, value);
    }

    @Override
    public Optional<String> writeIfVersion(Key key, Bytes value, String expected) throws IOException {
        return isState(key) ? companion(key).writeIfVersion(key, value, expected)
                : Store.super.writeIfVersion(key, value, expected);
    }

    @Override
    public boolean deleteIfVersion(Key key, String expected) throws IOException {
        return isState(key) ? companion(key).deleteIfVersion(key, expected) : Store.super.deleteIfVersion(key, expected);
    }

    private void requireOpen() {
        if (finished || closed) {
            throw new IllegalStateException(describe() + " is " + (finished ? "finished" : "closed"));
        }
    }

    // ---- reads ----

    @Override
    public Optional<Bytes> read(Key key, ByteRange range) throws IOException {
        if (isState(key)) {
            return options.companion() == null ? Optional.empty() : options.companion().read(key, range);
        }
        long dataAt;
        long size;
        synchronized (this) {
            Integer slot = slotIndex.get(key);
            if (slot != null) {
                if (!slotWritten[slot]) {
                    return Optional.empty();
                }
                Bytes all = slotBytes[slot];
                long start = range.start(all.size());
                return Optional.of(all.slice(start, Math.max(0, range.end(all.size()) - start)));
            }
            long at = index.find(key.path(), this::nameAt);
            if (at < 0) {
                return Optional.empty();
            }
            Header h = header(at, end);
            if (h == null) {
                throw new StoreException(describe() + " '" + key.path() + "': the entry at file offset " + at
                        + " has no valid local header");
            }
            dataAt = h.dataAt();
            size = h.size();
        }
        long start = range.start(size);
        long length = Math.max(0, range.end(size) - start);
        if (length > Integer.MAX_VALUE - 8) {
            throw new StoreException(describe() + " '" + key.path() + "': a range of " + length + " bytes is too large "
                    + "for one read");
        }
        return Optional.of(Bytes.wrap(readFully(dataAt + start, (int) length)));
    }

    @Override
    public synchronized OptionalLong size(Key key) throws IOException {
        if (isState(key)) {
            return options.companion() == null ? OptionalLong.empty() : options.companion().size(key);
        }
        Integer slot = slotIndex.get(key);
        if (slot != null) {
            return slotWritten[slot] ? OptionalLong.of(slotBytes[slot].size()) : OptionalLong.empty();
        }
        long at = index.find(key.path(), this::nameAt);
        Header h = at < 0 ? null : header(at, end);
        return h == null ? OptionalLong.empty() : OptionalLong.of(h.size());
    }

    @Override
    public boolean exists(Key key) throws IOException {
        return size(key).isPresent();
    }

    @Override
    public List<Key> list(Key prefix) throws IOException {
        TreeSet<Key> out = new TreeSet<>();
        synchronized (this) {
            for (int i = 0; i < slotOffsets.length; i++) {
                Key k = options.slots().get(i).key();
                if (slotWritten[i] && k.startsWith(prefix)) {
                    out.add(k);
                }
            }
            for (long at : index.offsets()) {
                Key k = Key.of(nameAt(at));
                if (k.startsWith(prefix)) {
                    out.add(k);
                }
            }
        }
        if (options.companion() != null) {
            out.addAll(options.companion().list(prefix));
        }
        return List.copyOf(out);
    }

    @Override
    public Listing listDir(Key prefix) throws IOException {
        List<Key> objects = new ArrayList<>();
        TreeSet<Key> prefixes = new TreeSet<>();
        int depth = prefix.isRoot() ? 0 : prefix.segments().size();
        for (Key k : list(prefix)) {
            if (k.segments().size() == depth + 1) {
                objects.add(k);
            } else if (k.segments().size() > depth + 1) {
                prefixes.add(Key.of(String.join("/", k.segments().subList(0, depth + 1))));
            }
        }
        return new Listing(objects, List.copyOf(prefixes));
    }

    // ---- finishing ----

    /**
     * Writes the central directory and the end records: from now on the file is a ZIP archive that readers
     * open. Every planned document must have been written.
     *
     * @throws StoreException a planned document was never written, or the file cannot be written
     */
    public synchronized void finish() throws IOException {
        requireOpen();
        for (int i = 0; i < slotOffsets.length; i++) {
            if (!slotWritten[i]) {
                throw new StoreException(describe() + " '" + options.slots().get(i).key().path()
                        + "': planned metadata was never written; the archive stays unfinished");
            }
        }
        if (options.durable()) {
            ch.force(true);
        }
        long cdStart = end;
        long pos = cdStart;
        liveCount = 0;
        long count = 0;
        for (int i = 0; i < slotOffsets.length; i++) {
            Slot s = options.slots().get(i);
            byte[] rec = centralRecord(name(s.key()), crc(slotBytes[i]), s.capacity(), slotOffsets[i]);
            writeFully(ByteBuffer.wrap(rec), pos);
            pos += rec.length;
            count++;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1 << 20);
        if (spill != null) {
            ByteBuffer all = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            long sp = 0;
            long spillSize = spill.size();
            byte[] carry = new byte[0];
            while (sp < spillSize) {
                all.clear();
                int n = spill.read(all, sp);
                if (n <= 0) {
                    break;
                }
                sp += n;
                byte[] chunk = new byte[carry.length + n];
                System.arraycopy(carry, 0, chunk, 0, carry.length);
                all.flip().get(chunk, carry.length, n);
                int used = liveRecords(chunk, out);
                carry = java.util.Arrays.copyOfRange(chunk, used, chunk.length);
                if (out.size() >= 1 << 20) {
                    pos = flush(out, pos);
                }
            }
        }
        liveRecords(records.toByteArray(), out);
        pos = flush(out, pos);
        count += liveCount;
        long cdSize = pos - cdStart;
        byte[] c = options.comment().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(56 + 20 + 22 + c.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(count).putLong(count).putLong(cdSize).putLong(cdStart);
        b.putInt(0x07064b50).putInt(0).putLong(pos).putInt(1);
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 0xffff).putShort((short) 0xffff)
                .putInt(0xffffffff).putInt(0xffffffff).putShort((short) c.length).put(c);
        writeFully(b.flip(), pos);
        ch.truncate(pos + b.capacity());
        if (options.durable()) {
            ch.force(true);
        }
        finished = true;
    }

    private long liveCount;

    /**
     * Copies the records in {@code buf} whose entry is still the one its name points at into {@code out};
     * returns how many bytes of whole records were consumed.
     */
    private int liveRecords(byte[] buf, java.io.ByteArrayOutputStream out) {
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        int p = 0;
        while (p + CEN_FIXED <= buf.length) {
            int nameLen = b.getShort(p + 28) & 0xffff;
            int len = CEN_FIXED + nameLen + CEN_EXTRA;
            if (p + len > buf.length) {
                break;
            }
            String name = new String(buf, p + CEN_FIXED, nameLen, StandardCharsets.UTF_8);
            long offset = b.getLong(p + CEN_FIXED + nameLen + 20);
            if (index.find(name, this::nameAt) == offset) {
                out.write(buf, p, len);
                liveCount++;
            }
            p += len;
        }
        return p;
    }

    private long flush(java.io.ByteArrayOutputStream out, long pos) throws IOException {
        byte[] bytes = out.toByteArray();
        writeFully(ByteBuffer.wrap(bytes), pos);
        out.reset();
        return pos + bytes.length;
    }

    /** Entries written so far, planned documents included. */
    public synchronized long entries() {
        return slotOffsets.length + index.size();
    }

    /**
     * Bytes of entries that a later write of the same key (or a delete) replaced in this run: they stay in the
     * file, named by no central record. A writer that stores a shard before it is complete and again when it
     * is (a shard write buffer flushed under a small memory budget) leaves them; space is not reused.
     */
    public synchronized long supersededBytes() {
        return superseded;
    }

    /** Central-directory records that were spilled to the temporary file so far. */
    public synchronized long recordsSpilled() {
        return recordsSpilled;
    }

    @Override
    public String describe() {
        return "zip:" + path;
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Releases the file lock and removes the spilled records. Without {@link #finish()} the file stays an
     * unfinished archive that no ZIP reader opens and {@link #resume} continues.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (spill != null) {
                spill.close();
            }
            Files.deleteIfExists(spillPath);
        } finally {
            try {
                lock.release();
            } finally {
                ch.close();
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            // the failure that made us close is the one to report
        }
    }

    /**
     * Entry name to local-header offset, 16 bytes per entry: a 64-bit hash of the name and the offset, open
     * addressing with linear probing. Names are not held; a probe confirms a candidate by reading its name
     * from the archive. Not thread-safe (used under the writer's monitor).
     */
    static final class OffsetIndex {
        private long[] hashes = new long[64];
        private long[] offsets = new long[64];
        private int size;
        private int used;

        interface Names {
            String at(long offset);
        }

        int size() {
            return size;
        }

        private static long hash(String name) {
            long h = 0xcbf29ce484222325L;
            for (int i = 0; i < name.length(); i++) {
                h = (h ^ name.charAt(i)) * 0x100000001b3L;
            }
            h ^= h >>> 29;
            return h == 0 ? 1 : h; // 0 marks a free cell
        }

        private int cell(long hash, int mask) {
            return (int) (hash ^ (hash >>> 32)) & mask;
        }

        /** The offset for {@code name}, or -1. */
        long find(String name, Names names) {
            long h = hash(name);
            int mask = hashes.length - 1;
            for (int i = cell(h, mask); hashes[i] != 0; i = (i + 1) & mask) {
                if (hashes[i] == h && offsets[i] >= 0 && names.at(offsets[i]).equals(name)) {
                    return offsets[i];
                }
            }
            return -1;
        }

        void put(String name, long offset, Names names) {
            long h = hash(name);
            int mask = hashes.length - 1;
            int free = -1;
            int i = cell(h, mask);
            for (; hashes[i] != 0; i = (i + 1) & mask) {
                if (hashes[i] == h && offsets[i] >= 0 && names.at(offsets[i]).equals(name)) {
                    offsets[i] = offset; // a newer entry of the same name replaces the older one
                    return;
                }
                if (free < 0 && offsets[i] < 0) {
                    free = i;
                }
            }
            if (free >= 0) {
                hashes[free] = h;
                offsets[free] = offset;
                size++;
                return;
            }
            hashes[i] = h;
            offsets[i] = offset;
            size++;
            if (++used * 2 > hashes.length) {
                grow();
            }
        }

        void remove(String name, Names names) {
            long h = hash(name);
            int mask = hashes.length - 1;
            for (int i = cell(h, mask); hashes[i] != 0; i = (i + 1) & mask) {
                if (hashes[i] == h && offsets[i] >= 0 && names.at(offsets[i]).equals(name)) {
                    offsets[i] = -1; // a tombstone keeps later probes reachable
                    size--;
                    return;
                }
            }
        }

        long[] offsets() {
            long[] out = new long[size];
            int n = 0;
            for (int i = 0; i < hashes.length; i++) {
                if (hashes[i] != 0 && offsets[i] >= 0) {
                    out[n++] = offsets[i];
                }
            }
            return out;
        }

        private void grow() {
            long[] oh = hashes;
            long[] oo = offsets;
            hashes = new long[oh.length * 2];
            offsets = new long[oo.length * 2];
            int mask = hashes.length - 1;
            used = 0;
            for (int j = 0; j < oh.length; j++) {
                if (oh[j] != 0 && oo[j] >= 0) {
                    int i = cell(oh[j], mask);
                    while (hashes[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    hashes[i] = oh[j];
                    offsets[i] = oo[j];
                    used++;
                }
            }
        }
    }

    /** The planned documents by key, in archive order (for tests and callers that check a plan). */
    public List<Key> plannedKeys() {
        List<Key> out = new ArrayList<>();
        for (Slot s : options.slots()) {
            out.add(s.key());
        }
        return out;
    }
}
