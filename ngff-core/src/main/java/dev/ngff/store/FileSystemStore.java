package dev.ngff.store;

import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.StoreException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A store over a directory of a local file system: key {@code a/b/c} is the file {@code <root>/a/b/c}.
 *
 * <p><b>Reads</b> use positional {@link FileChannel} reads into an array of exactly the clipped range
 * (never more than the file holds); a range above 2 GiB is memory-mapped instead. A missing file, a
 * directory at the key, or a path through a regular file all read as {@link Optional#empty()}. A reader
 * that lends {@link ReadScratch} memory gets its bytes read straight into it when they fit (the bytes are
 * then views of that memory, see {@link ReadableStore#read(Key, ByteRange, ReadScratch)}).
 * {@link #readRanges} opens the file once for all its ranges.
 *
 * <p><b>Open files.</b> Whole-object reads open and close their file. Ranged reads (a shard's index and
 * inner chunks, read again and again) keep up to {@value #OPEN_FILES} read-only channels open per store,
 * least recently used first out, closed by {@link #close} (the store stays usable after it). A cached
 * channel is used only while one stat of the key's path (links not followed) finds the very file it has
 * open, by device, inode, modification time and size, compared before and after opening and on every
 * use; so a reader never sees the old value of a key that a writer (of this or another process) replaced
 * by a rename, exactly as without the cache: a read sees the file that was at the path when it looked.
 * A write or delete through this store also drops the key's channel at once, so that a deleted file's
 * space is not held; a file deleted by another process stays allocated until its channel is pushed out
 * or the store is closed. Links at the key and file systems without inodes are not cached.
 *
 * <p><b>Writes</b> are atomic to readers: the value goes to a unique temporary file named
 * {@value #TEMP_PREFIX}{@code <random>} in the target's directory (optionally forced to disk), which is
 * then renamed over the target (and the directory optionally forced, see {@link Options#fsync()}).
 * Parent directories are created as needed. Concurrent writers of the same key end with one complete
 * value (the last rename wins); a writer racing with a delete that prunes its directory retries.
 * Temporary files never appear in listings, and keys whose last segment starts with
 * {@value #TEMP_PREFIX} are reserved: writing one is an {@link IllegalArgumentException}. A streamed
 * object ({@link #openUpload}) goes to such a temp file piece by piece and is renamed at commit.
 * {@link #delete} removes the file, then removes parent directories that became empty, up to but not
 * including the root.
 *
 * <p><b>Confinement.</b> {@link Key} already bans {@code ..}, {@code .}, empty segments, leading
 * slashes, backslashes and NUL; every resolved path is also normalised and checked to lie below the
 * root. Symbolic links whose targets lie inside the root (after resolving every link) are followed by
 * reads and listings, so a hierarchy may share pieces by linking them. Links that lead out of the root
 * are not part of the store: a read, {@link #size}, {@link #version} or {@link #exists} through one is
 * refused with a one-line {@link StoreException} naming the store and the key (never the target or its
 * bytes), and listings neither show nor descend into them; {@link Options#followLinksOutOfRoot()}
 * allows them. A directory found to lie inside the root is remembered, so a read resolves links at
 * most once per directory; the last component is opened without following links, so ordinary files
 * cost nothing extra. Writes and deletes never pass through a linked directory, even inside the root:
 * the write or delete fails with a {@link StoreException} and nothing is created or removed outside the
 * root. A symbolic link at the key itself is replaced by the write (the rename replaces the link, not
 * the file it points to) and removed by a delete. These checks do not defend against another process
 * that swaps directories for links while the store is in use.
 *
 * <p><b>Conditional writes</b> ({@link #writeIfAbsent}, {@link #writeIfVersion},
 * {@link #deleteIfVersion}) are atomic with respect to each other across threads and processes that
 * share the file system (and honour {@link Options#fsync()}); see {@link #version} for what a version
 * is. They lock one byte of the file {@value #LOCK_FILE_NAME} in the root, which stays there and which
 * listings never show.
 *
 * <p>Thread-safe. Failures of the file system are {@link StoreException}s naming this store, the key
 * and the byte range. Listings are snapshots in lexicographic key order; {@link #listDir} reports
 * every child directory as a prefix, even one that holds no objects yet.
 */
public final class FileSystemStore implements Store {
    /** The name prefix of in-flight temporary files. */
    public static final String TEMP_PREFIX = ".tmp-";

    /** This process's id, part of every temp file's name (see {@link #deletePrefix}). */
    private static final long PID = ProcessHandle.current().pid();

    /**
     * The name of the file in the root whose OS locks order conditional writes (see
     * {@link #writeIfVersion}). Listings never show it; keys with this name are reserved.
     */
    public static final String LOCK_FILE_NAME = ".ngff-conditional-writes.lock";

    private static final int MAX_WRITE_ATTEMPTS = 16;
    private static final int MAX_CHUNK = 1 << 30;

    /**
     * Options of a file-system store.
     *
     * @param fsync force each written file and its directory to stable storage before a write returns
     * @param followLinksOutOfRoot read through symbolic links whose targets lie outside the root (off by
     *     default: such links are refused, see the class comment)
     */
    public record Options(boolean fsync, boolean followLinksOutOfRoot) {
        /** Options with the given fsync setting that refuse links out of the root. */
        public Options(boolean fsync) {
            this(fsync, false);
        }

        /** No fsync; links out of the root refused. */
        public static Options defaults() {
            return new Options(false, false);
        }

        /** These options with {@link #followLinksOutOfRoot()} set as given. */
        public Options withFollowLinksOutOfRoot(boolean follow) {
            return new Options(fsync, follow);
        }
    }

    private final Path root;
    private final Options options;
    /** The root's real path once it exists (the root may be created after the store is opened). */
    private volatile Path realRoot;
    /**
     * Directories below the root already found to lie inside it once links are resolved, so that a read
     * resolves its directory at most once; cleared when it grows large.
     */
    private final java.util.Set<Path> confinedDirs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int MAX_CONFINED_DIRS = 1 << 16;
    /** Whether the file system has the "unix" attribute view (inode, change time in ns) for versions. */
    private final boolean unixAttributes;
    /** Read-only channels of recently read files, for ranged reads (see {@link #openForRead(Key, Path, ByteRange)}). */
    private final OpenFileCache openFiles = new OpenFileCache(OPEN_FILES);
    /** How many files a store keeps open for ranged reads. */
    static final int OPEN_FILES = 64;

    /**
     * A store rooted at {@code root}, which is created on the first write if missing.
     *
     * @throws StoreException if {@code root} exists and is not a directory
     */
    public FileSystemStore(Path root, Options options) throws StoreException {
        this.options = Objects.requireNonNull(options, "options");
        this.root = canonicalRoot(Objects.requireNonNull(root, "root"));
        this.unixAttributes = this.root.getFileSystem().supportedFileAttributeViews().contains("unix");
    }

    /** A store rooted at {@code root} with {@link Options#defaults()}. */
    public static FileSystemStore open(Path root) throws StoreException {
        return new FileSystemStore(root, Options.defaults());
    }

    /** The root directory, absolute and normalised (its real path if it existed when opened). */
    public Path root() {
        return root;
    }

    /** The options this store was opened with. */
    public Options options() {
        return options;
    }

    /**
     * The file that holds {@code key} (the root directory for the root key).
     *
     * @throws StoreException if the key cannot be represented as a path below the root on this platform
     */
    public Path path(Key key) throws StoreException {
        Objects.requireNonNull(key, "key");
        if (key.isRoot()) {
            return root;
        }
        Path p = root.resolve(key.path()).normalize();
        if (!p.startsWith(root) || p.getNameCount() != root.getNameCount() + key.segments().size()) {
            throw new StoreException(describe() + ": key '" + key + "' does not name a path below the root");
        }
        return p;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<Bytes> read(Key key, ByteRange range) throws IOException {
        return read(key, range, null);
    }

    /** Reads into the scratch when the clipped range fits it (positional reads straight into its memory). */
    @Override
    public Optional<Bytes> read(Key key, ByteRange range, ReadScratch scratch) throws IOException {
        Objects.requireNonNull(range, "range");
        if (key.isRoot()) {
            return Optional.empty();
        }
        Path file = path(key);
        try (OpenFileCache.Lease lease = openForRead(key, file, range)) {
            FileChannel ch = lease.channel();
            long size = ch.size();
            long start = range.start(size);
            long length = Math.max(0, range.end(size) - start);
            try {
                if (length == 0) {
                    return Files.isDirectory(file) ? Optional.empty() : Optional.of(Bytes.EMPTY);
                }
                MemorySegment lent = scratch == null ? null : scratch.memory(length);
                if (lent != null) {
                    return Optional.of(readLent(ch, start, lent.asSlice(0, length)));
                }
                return Optional.of(length > Buffers.MAX_HEAP_ARRAY ? map(ch, start, length) : readArray(ch, start, (int) length));
            } catch (IOException e) {
                if (Files.isDirectory(file)) {
                    return Optional.empty();
                }
                throw e;
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (StoreException e) {
            throw e;
        } catch (FileSystemException e) {
            if (!Files.exists(file)) {
                return Optional.empty(); // a path through a regular file ("Not a directory")
            }
            throw StoreErrors.failure(this, "reading", key, range, e);
        } catch (IOException e) {
            throw StoreErrors.failure(this, "reading", key, range, e);
        }
    }

    @Override
    public Optional<List<Bytes>> readRanges(Key key, List<ByteRange> ranges) throws IOException {
        return readRanges(key, ranges, Optional.empty(), null);
    }

    /**
     * Opens the file once for all ranges (through the open-file cache); with scratch, the ranges go into one
     * piece of its memory when their clipped sizes together fit.
     */
    @Override
    public Optional<List<Bytes>> readRanges(Key key, List<ByteRange> ranges, Optional<String> ifVersion,
                                            ReadScratch scratch) throws IOException {
        Objects.requireNonNull(ranges, "ranges");
        if (ranges.size() <= 1 || key.isRoot()) {
            if (ranges.isEmpty()) {
                return Optional.of(List.of());
            }
            Optional<Bytes> one = read(key, ranges.getFirst(), scratch);
            return one.map(List::of);
        }
        Path file = path(key);
        ByteRange current = ranges.getFirst();
        try (OpenFileCache.Lease lease = openForRead(key, file, ByteRange.of(0, 0))) {
            FileChannel ch = lease.channel();
            long size = ch.size();
            long total = 0;
            for (ByteRange r : ranges) {
                total += Math.max(0, r.end(size) - r.start(size));
            }
            MemorySegment lent = scratch == null || total == 0 ? null : scratch.memory(total);
            List<Bytes> out = new ArrayList<>(ranges.size());
            long at = 0;
            try {
                for (ByteRange r : ranges) {
                    current = r;
                    long start = r.start(size);
                    long length = Math.max(0, r.end(size) - start);
                    if (length == 0) {
                        out.add(Bytes.EMPTY);
                    } else if (lent != null) {
                        out.add(readLent(ch, start, lent.asSlice(at, length)));
                        at += length;
                    } else {
                        out.add(length > Buffers.MAX_HEAP_ARRAY ? map(ch, start, length) : readArray(ch, start, (int) length));
                    }
                }
            } catch (IOException e) {
                if (Files.isDirectory(file)) {
                    return Optional.empty();
                }
                throw e;
            }
            if (total == 0 && Files.isDirectory(file)) {
                return Optional.empty();
            }
            return Optional.of(out);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (StoreException e) {
            throw e;
        } catch (FileSystemException e) {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            throw StoreErrors.failure(this, "reading", key, current, e);
        } catch (IOException e) {
            throw StoreErrors.failure(this, "reading", key, current, e);
        }
    }

    /** Positional reads of {@code dest.byteSize()} bytes from {@code start} into lent memory; short if the file shrank. */
    private static Bytes readLent(FileChannel ch, long start, MemorySegment dest) throws IOException {
        long n = dest.byteSize();
        if (!dest.isNative()) {
            // heap memory would pass through a temporary direct buffer: read into a new array as without scratch
            return n > Buffers.MAX_HEAP_ARRAY ? map(ch, start, n) : readArray(ch, start, (int) n);
        }
        long done = 0;
        while (done < n) {
            ByteBuffer bb = dest.asSlice(done, Math.min(n - done, Integer.MAX_VALUE - 16)).asByteBuffer();
            while (bb.hasRemaining()) {
                if (ch.read(bb, start + done + bb.position()) < 0) {
                    return Bytes.wrap(dest.asSlice(0, done + bb.position())); // the file shrank under us
                }
            }
            done += bb.capacity();
        }
        return Bytes.wrap(dest);
    }

    /**
     * Reads a range into a new heap array. From {@link #MAP_COPY_THRESHOLD} bytes on, the range is mapped and
     * copied once: a positional read into heap memory passes through a temporary direct buffer of the same
     * size (two copies, and for ranges of changing sizes a fresh zeroed native buffer each time).
     */
    private static Bytes readArray(FileChannel ch, long start, int length) throws IOException {
        byte[] buf = new byte[length];
        // writers replace files by renaming, so a file shrinks in place only by outside hands; checked once more
        // here because a mapped page past the end faults instead of reading short
        if (length >= MAP_COPY_THRESHOLD && ch.size() >= start + length) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment.copy(ch.map(FileChannel.MapMode.READ_ONLY, start, length, arena), 0,
                        MemorySegment.ofArray(buf), 0, length);
            }
            return Bytes.wrap(buf);
        }
        ByteBuffer bb = ByteBuffer.wrap(buf);
        while (bb.hasRemaining()) {
            if (ch.read(bb, start + bb.position()) < 0) {
                return Bytes.wrap(buf, 0, bb.position()); // the file shrank under us
            }
        }
        return Bytes.wrap(buf);
    }

    private static Bytes map(FileChannel ch, long start, long length) throws IOException {
        MemorySegment segment = ch.map(FileChannel.MapMode.READ_ONLY, start, length, Arena.ofAuto());
        return Bytes.wrap(segment);
    }

    /**
     * Reads straight into {@code dest}: positional reads into off-heap memory; for heap memory of
     * {@link #MAP_COPY_THRESHOLD} bytes or more the file is mapped and copied once (a positional read
     * into heap memory would pass through a temporary direct buffer, two copies).
     */
    @Override
    public long readInto(Key key, MemorySegment dest) throws IOException {
        if (key.isRoot()) {
            return -1;
        }
        Path file = path(key);
        ByteRange whole = ByteRange.WHOLE;
        try (FileChannel ch = openForRead(key, file)) {
            long size = ch.size();
            if (size != dest.byteSize()) {
                return Files.isDirectory(file) ? -1 : size; // a directory is no object, whatever size it reports
            }
            try {
                readFully(ch, dest);
            } catch (IOException e) {
                if (Files.isDirectory(file)) {
                    return -1;
                }
                throw e;
            }
            return size;
        } catch (NoSuchFileException e) {
            return -1;
        } catch (StoreException e) {
            throw e;
        } catch (FileSystemException e) {
            if (!Files.exists(file)) {
                return -1;
            }
            throw StoreErrors.failure(this, "reading", key, whole, e);
        } catch (IOException e) {
            throw StoreErrors.failure(this, "reading", key, whole, e);
        }
    }

    /** Heap destinations at least this large are filled from a mapping rather than by positional reads. */
    static final long MAP_COPY_THRESHOLD = 1 << 20;

    private static void readFully(FileChannel ch, MemorySegment dest) throws IOException {
        long n = dest.byteSize();
        if (n == 0) {
            return;
        }
        if (!dest.isNative() && n >= MAP_COPY_THRESHOLD) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment.copy(ch.map(FileChannel.MapMode.READ_ONLY, 0, n, arena), 0, dest, 0, n);
            }
            return;
        }
        long done = 0;
        while (done < n) {
            // ByteBuffer views hold at most 2 GiB - 1 bytes
            ByteBuffer bb = dest.asSlice(done, Math.min(n - done, Integer.MAX_VALUE - 16)).asByteBuffer();
            while (bb.hasRemaining()) {
                if (ch.read(bb, done + bb.position()) < 0) {
                    throw new java.io.EOFException("file ended after " + (done + bb.position()) + " of " + n + " bytes");
                }
            }
            done += bb.capacity();
        }
    }

    @Override
    public boolean exists(Key key) throws IOException {
        if (key.isRoot()) {
            return false;
        }
        try {
            return Files.isRegularFile(readTarget(key));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- symbolic links on reads

    /**
     * Opens {@code file} for reading. Unless links out of the root are allowed, the last component is
     * opened without following a link (no cost for ordinary files); a link there is resolved and
     * followed only if its target lies inside the root.
     */
    private FileChannel openForRead(Key key, Path file) throws IOException {
        return openUncached(key, file);
    }

    /**
     * Opens {@code file} for a read of {@code range}: a whole-object read opens and closes the file as
     * before (each chunk file is read once); a ranged read (a shard's index and inner chunks) goes through
     * the open-file cache. A cached channel is used only while a fresh look at the path (one stat, links
     * not followed) finds the very file it has open: the same device, inode, modification time and size,
     * compared before and after it was opened and on every use. A key replaced by a rename, or changed in
     * place, is therefore opened again, never read through the old file's channel. Links at the key and
     * file systems without file keys are not cached.
     */
    private OpenFileCache.Lease openForRead(Key key, Path file, ByteRange range) throws IOException {
        if (range instanceof ByteRange.Whole || !unixAttributes) {
            return openFiles.uncached(openUncached(key, file));
        }
        if (!options.followLinksOutOfRoot()) {
            requireConfinedDirectory(key, file.getParent());
        }
        FileIdentity before = FileIdentity.of(file);
        if (before == null) {
            return openFiles.uncached(openUncached(key, file)); // a link, a directory: the usual rules and errors
        }
        OpenFileCache.Lease hit = openFiles.lease(file, before);
        if (hit != null) {
            return hit;
        }
        FileChannel ch = openUncached(key, file);
        FileIdentity after;
        try {
            after = FileIdentity.of(file);
        } catch (IOException e) {
            after = null; // replaced or removed meanwhile: read what was opened, as without the cache
        }
        return before.equals(after) ? openFiles.offer(file, ch, before) : openFiles.uncached(ch);
    }

    /**
     * What tells one file at a path from another: device and inode (pinned while a channel holds the file
     * open), plus modification time and size, which also tell an in-place change and a file created later
     * under a reused inode number.
     */
    private record FileIdentity(Object fileKey, FileTime modified, long size) {
        /** The identity of the regular file at {@code file} (links not followed), or null if it is something else. */
        static FileIdentity of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.fileKey() == null) {
                return null;
            }
            return new FileIdentity(a.fileKey(), a.lastModifiedTime(), a.size());
        }
    }

    private FileChannel openUncached(Key key, Path file) throws IOException {
        if (options.followLinksOutOfRoot()) {
            return FileChannel.open(file, StandardOpenOption.READ);
        }
        requireConfinedDirectory(key, file.getParent());
        try {
            return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            // a link at the key fails the no-follow open (ELOOP, reported as a plain IOException on Linux)
            if (!Files.isSymbolicLink(file)) {
                throw e;
            }
            return FileChannel.open(confinedLinkTarget(key, file), StandardOpenOption.READ);
        }
    }

    /**
     * The path whose attributes describe {@code key} for a reader: the file itself, or the target of a
     * link at the key (which must lie inside the root unless allowed otherwise).
     *
     * @throws NoSuchFileException if the key names nothing, or a dangling link
     * @throws StoreException if the key leads out of the root through a link and that is not allowed
     */
    private Path readTarget(Key key) throws IOException {
        Path file = path(key);
        if (options.followLinksOutOfRoot()) {
            return file;
        }
        requireConfinedDirectory(key, file.getParent());
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException e) {
            throw new NoSuchFileException(file.toString()); // missing, or a path through a regular file
        }
        return a.isSymbolicLink() ? confinedLinkTarget(key, file) : file;
    }

    /** Checks that {@code dir}, with every link on its way resolved, lies inside the root. */
    private void requireConfinedDirectory(Key key, Path dir) throws IOException {
        if (dir.equals(root) || confinedDirs.contains(dir)) {
            return;
        }
        Path real;
        try {
            real = dir.toRealPath();
        } catch (FileSystemException e) {
            return; // missing, or a path through a file: opening the key finds nothing either
        }
        if (!real.startsWith(realRoot())) {
            throw leavesRoot(key);
        }
        if (confinedDirs.size() >= MAX_CONFINED_DIRS) {
            confinedDirs.clear();
        }
        confinedDirs.add(dir);
    }

    /** The real path of the link at {@code file}, which must lie inside the root. */
    private Path confinedLinkTarget(Key key, Path file) throws IOException {
        Path real = file.toRealPath(); // NoSuchFileException for a dangling link: the key is missing
        if (!real.startsWith(realRoot())) {
            throw leavesRoot(key);
        }
        return real;
    }

    /** True unless {@code p} is a link whose target is missing or, when that is not allowed, outside the root. */
    private boolean followable(Path p) throws IOException {
        if (options.followLinksOutOfRoot()) {
            return true;
        }
        try {
            return p.toRealPath().startsWith(realRoot());
        } catch (FileSystemException e) {
            return false;
        }
    }

    private Path realRoot() throws IOException {
        Path r = realRoot;
        if (r == null) {
            r = root.toRealPath();
            realRoot = r;
        }
        return r;
    }

    private StoreException leavesRoot(Key key) {
        return new StoreException(describe() + ": reading '" + key + "' refused: it leads through a symbolic link to outside the"
                + " store's root (open the store with the option to follow links out of the root to allow it)");
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void write(Key key, Bytes value) throws IOException {
        write(key, List.of(Objects.requireNonNull(value, "value")));
    }

    /** Writes the pieces one after another into the temp file, without joining them in memory first. */
    @Override
    public void write(Key key, List<Bytes> pieces) throws IOException {
        requireWritableKey(key);
        for (Bytes piece : pieces) {
            Objects.requireNonNull(piece, "piece");
        }
        Path target = path(key);
        try {
            inParentDirectory(key, dir -> {
                writeAtomically(dir, target, pieces, false);
                return null;
            });
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw StoreErrors.failure(this, "writing", key, e);
        }
    }

    /** An action on the directory that holds a key. */
    private interface InDirectory<T> {
        T apply(Path dir) throws IOException;
    }

    /**
     * Creates the directories above {@code key} and runs {@code action} in its parent, again (up to
     * {@link #MAX_WRITE_ATTEMPTS} times) when a concurrent delete pruned a directory we had created or a
     * temp name collided; the last such failure is thrown as it is.
     */
    private <T> T inParentDirectory(Key key, InDirectory<T> action) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return action.apply(createParents(key));
            } catch (NoSuchFileException | FileAlreadyExistsException e) {
                if (attempt >= MAX_WRITE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Creates the directories above {@code key} without following any symbolic link; returns the parent. */
    private Path createParents(Key key) throws IOException {
        Files.createDirectories(root);
        List<String> segments = key.segments();
        Path dir = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            dir = dir.resolve(segments.get(i));
            ensureDirectory(dir, key);
        }
        return dir;
    }

    /**
     * Makes {@code dir} a directory unless it is one. A concurrent writer may create it and a concurrent
     * delete may prune it again at any moment, so look again until it is a directory or something else.
     */
    private void ensureDirectory(Path dir, Key key) throws IOException {
        for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try {
                Files.createDirectory(dir);
                return;
            } catch (FileAlreadyExistsException e) {
                if (existsAsNonDirectory(dir)) {
                    throw notADirectory(dir, key);
                }
            }
        }
        throw new StoreException(describe() + ": cannot write '" + key + "': " + dir + " keeps vanishing under concurrent deletes");
    }

    private static boolean existsAsNonDirectory(Path p) throws IOException {
        try {
            return !Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory();
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private StoreException notADirectory(Path dir, Key key) {
        String what = Files.isSymbolicLink(dir) ? "a symbolic link (writes never follow links)" : "not a directory";
        return new StoreException(describe() + ": cannot write or delete '" + key + "': " + dir + " is " + what);
    }

    /**
     * Writes {@code value} to a temp file in {@code dir}, then renames it over {@code target}. With
     * {@code distinctVersion} the temp file's change time is first moved past the moment it was created,
     * so that the new object's {@link #version} differs from that of any object this key held before
     * (see {@link #version}).
     */
    private void writeAtomically(Path dir, Path target, List<Bytes> pieces, boolean distinctVersion) throws IOException {
        Path tmp = newTempFile(dir, pieces);
        boolean moved = false;
        try {
            if (distinctVersion) {
                advanceChangeTime(tmp);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            openFiles.invalidate(target); // not needed for correctness (reads compare file identities): frees the old file now
            if (options.fsync()) {
                forceDirectory(dir);
            }
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    /** A fresh temp file name in {@code dir}: {@code .tmp-PID-RANDOM}, so a cleanup can tell whether its writer lives. */
    private static Path tempPath(Path dir) {
        return dir.resolve(TEMP_PREFIX + PID + "-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
    }

    /** A new temp file in {@code dir} holding the pieces in order (forced to disk under the fsync option). */
    private Path newTempFile(Path dir, List<Bytes> pieces) throws IOException {
        Path tmp = tempPath(dir);
        FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean written = false;
        try (FileChannel ch = channel) {
            for (Bytes piece : pieces) {
                writeFully(ch, piece);
            }
            if (options.fsync()) {
                ch.force(true);
            }
            written = true;
        } finally {
            if (!written) {
                deleteQuietly(tmp);
            }
        }
        return tmp;
    }

    // ---------------------------------------------------------------- streamed uploads

    /**
     * What {@link #uploadPartSize()} reports: appended pieces go to disk at once, so an upload holds
     * nothing; objects below this size gain too little from streaming to be worth the extra writes.
     */
    static final long UPLOAD_PART_SIZE = 1L << 20;

    /**
     * A streamed object written straight to a temp file beside the target ({@value #TEMP_PREFIX}{@code PID-RANDOM},
     * like every write's temp file, so listings never show it) and renamed over the target on commit,
     * forced to disk first under {@link Options#fsync()} (the file, then the directory after the rename).
     * Appended pieces are written before {@code append} returns, so the upload holds no bytes; abort and
     * failures delete the temp file. A writer killed mid-upload leaves only the temp file, which
     * {@link #abortUnfinishedUploads} and {@link #deletePrefix} remove once its process is gone.
     */
    @Override
    public ObjectUpload openUpload(Key key) {
        requireWritableKey(key);
        return new FileUpload(key);
    }

    /** Uploads write each piece as it comes (see {@link #openUpload}). */
    @Override
    public OptionalLong uploadPartSize() {
        return OptionalLong.of(UPLOAD_PART_SIZE);
    }

    /**
     * Deletes the temp files (of uploads and of whole-object writes) that writers whose process is gone
     * left in the directories below {@code node} and that {@code abandoned} accepts (it sees the key a temp
     * file would have in its directory); returns how many. Temp files of this process and of other live
     * processes on this host stay.
     */
    @Override
    public int abortUnfinishedUploads(Key node, java.util.function.Predicate<Key> abandoned) throws IOException {
        Objects.requireNonNull(abandoned, "abandoned");
        Path start = path(node);
        if (!node.isRoot() && !followable(start)) {
            return 0;
        }
        try {
            return deleteLeftoverTemps(start, node, abandoned);
        } catch (IOException e) {
            throw StoreErrors.failure(this, "deleting temp files below", node, e);
        }
    }

    private final class FileUpload implements ObjectUpload {
        private final Key key;
        private FileChannel channel;
        private Path dir;
        private Path tmp;
        private long appended;
        private boolean ended;

        FileUpload(Key key) {
            this.key = key;
        }

        @Override
        public Key key() {
            return key;
        }

        private void requireOpen() {
            if (ended) {
                throw new IllegalStateException(describe() + ": the upload to '" + key + "' has ended");
            }
        }

        /** Creates the directories and the temp file on first use, so that opening writes nothing. */
        private FileChannel channel() throws IOException {
            if (channel == null) {
                channel = inParentDirectory(key, d -> {
                    Path t = tempPath(d);
                    FileChannel opened = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    dir = d;
                    tmp = t;
                    return opened;
                });
            }
            return channel;
        }

        @Override
        public void append(Bytes piece) throws IOException {
            Objects.requireNonNull(piece, "piece");
            requireOpen();
            if (piece.size() == 0) {
                return;
            }
            try {
                writeFully(channel(), piece);
                appended += piece.size();
            } catch (IOException e) {
                throw abortAfter(e);
            } catch (RuntimeException e) {
                abortQuietly();
                throw e;
            }
        }

        @Override
        public long appendedBytes() {
            return appended;
        }

        @Override
        public long heldBytes() {
            return 0;
        }

        @Override
        public void commit() throws IOException {
            requireOpen();
            try {
                FileChannel ch = channel();
                if (options.fsync()) {
                    ch.force(true);
                }
                ch.close();
                Files.move(tmp, path(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                ended = true;
                openFiles.invalidate(path(key));
                if (options.fsync()) {
                    forceDirectory(dir);
                }
            } catch (IOException e) {
                throw abortAfter(e);
            } catch (RuntimeException e) {
                abortQuietly();
                throw e;
            }
        }

        /** Ends the upload after a failure; returns what to throw (the store's own failures as they are). */
        private StoreException abortAfter(IOException e) {
            abortQuietly();
            return e instanceof StoreException se ? se : StoreErrors.failure(FileSystemStore.this, "writing", key, e);
        }

        @Override
        public void abort() {
            abortQuietly();
        }

        private void abortQuietly() {
            if (ended) {
                return;
            }
            ended = true;
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the temp file is deleted next, whatever its state
                }
                deleteQuietly(tmp);
            }
        }

        @Override
        public void close() {
            abortQuietly();
        }
    }

    private static void writeFully(FileChannel ch, Bytes value) throws IOException {
        for (long off = 0; off < value.size(); off += MAX_CHUNK) {
            ByteBuffer bb = value.slice(off, Math.min(MAX_CHUNK, value.size() - off)).asByteBuffer();
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException e) {
            return; // platforms such as Windows cannot open a directory; its metadata is durable there
        }
        try (ch) {
            ch.force(true);
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // the write already failed; a leftover temp file is invisible to listings
        }
    }

    @Override
    public void delete(Key key) throws IOException {
        if (key.isRoot()) {
            return;
        }
        Path target = path(key);
        try {
            if (!parentsAreDirectories(key) || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                return; // missing, or a prefix rather than an object
            }
            if (Files.deleteIfExists(target)) {
                openFiles.invalidate(target); // a deleted file's space is freed when its last channel closes
                prune(target.getParent());
            }
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw StoreErrors.failure(this, "deleting", key, e);
        }
    }

    /** False if a directory on the way to {@code key} is missing or a file; throws if one is a link. */
    private boolean parentsAreDirectories(Key key) throws IOException {
        List<String> segments = key.segments();
        Path dir = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            dir = dir.resolve(segments.get(i));
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return false;
            }
            if (attrs.isSymbolicLink()) {
                throw notADirectory(dir, key);
            }
            if (!attrs.isDirectory()) {
                return false;
            }
        }
        return true;
    }

    /** Removes empty directories from {@code dir} upwards, stopping below the root; tolerates races. */
    private void prune(Path dir) {
        for (Path d = dir; d != null && !d.equals(root) && d.startsWith(root); d = d.getParent()) {
            try {
                Files.delete(d);
            } catch (NoSuchFileException e) {
                // pruned by a concurrent delete; go on upwards
            } catch (IOException e) {
                return; // not empty (DirectoryNotEmptyException), or not ours to remove
            }
        }
    }

    // ---------------------------------------------------------------- conditional writes and sizes

    /**
     * The version of the file at {@code key}: its device and inode numbers, its change time in
     * nanoseconds and its size (on file systems without these, its file key, creation and modification
     * times and size). Every write makes a new file, so the inode changes on every write, even of equal
     * bytes; a conditional write also waits until the change time has moved past the moment it began,
     * so that an inode the file system reuses never brings back a version that a conditional caller saw
     * before. Plain {@link #write}s skip that wait (it would slow every chunk write): two plain writes
     * within one clock tick may, rarely, produce a file with the version of the one before the last.
     * A version read while a conditional write of the key is under way may be replaced at once (a
     * conditional call with it then fails, which is safe). Empty for a missing key or a directory.
     */
    @Override
    public Optional<String> version(Key key) throws IOException {
        if (key.isRoot()) {
            return Optional.empty();
        }
        try {
            return versionOf(readTarget(key));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw StoreErrors.failure(this, "reading the version of", key, e);
        }
    }

    private Optional<String> versionOf(Path file) throws IOException {
        try {
            if (unixAttributes) {
                Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino,ctime,size,isRegularFile");
                if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
                    return Optional.empty();
                }
                Instant ctime = ((FileTime) a.get("ctime")).toInstant();
                return Optional.of(Long.toHexString((Long) a.get("dev")) + "." + Long.toHexString((Long) a.get("ino"))
                        + "." + ctime.getEpochSecond() + "." + ctime.getNano() + "." + a.get("size"));
            }
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(a.fileKey() + "." + a.creationTime().toInstant() + "." + a.lastModifiedTime().toInstant()
                    + "." + a.size());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            if (!Files.exists(file)) {
                return Optional.empty(); // a path through a regular file
            }
            throw e;
        }
    }

    /**
     * Creates the file only if nothing exists at the key, atomically across threads and processes: the
     * value goes to a temp file, which is then hard-linked to the key (the link fails if the key
     * exists) and removed. On file systems without hard links the lock that orders conditional calls
     * (see {@link #writeIfVersion}) makes check-then-rename safe against other conditional calls.
     *
     * @throws StoreException if a directory (a prefix) is at the key, or the file system fails
     */
    @Override
    public Optional<String> writeIfAbsent(Key key, Bytes value) throws IOException {
        requireWritableKey(key);
        Objects.requireNonNull(value, "value");
        Path target = path(key);
        try (ConditionalWriteLocks.Held held = conditionalLock(key)) {
            for (int attempt = 1; ; attempt++) {
                try {
                    Path dir = createParents(key);
                    return createExclusively(dir, target, key, value);
                } catch (NoSuchFileException e) {
                    // a concurrent plain delete pruned a directory we had created
                    if (attempt >= MAX_WRITE_ATTEMPTS) {
                        throw StoreErrors.failure(this, "creating", key, e);
                    }
                }
            }
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw StoreErrors.failure(this, "creating", key, e);
        }
    }

    private Optional<String> createExclusively(Path dir, Path target, Key key, Bytes value) throws IOException {
        Path tmp = newTempFile(dir, List.of(value));
        try {
            advanceChangeTime(tmp);
            try {
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException e) {
                return existingAtCreate(target, key);
            } catch (NoSuchFileException e) {
                throw e;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // no hard links here (FAT, some network file systems): our lock orders us against other conditional calls
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    return existingAtCreate(target, key);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.deleteIfExists(tmp);
            if (options.fsync()) {
                forceDirectory(dir);
            }
            return versionOf(target);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private Optional<String> existingAtCreate(Path target, Key key) throws StoreException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException(describe() + ": cannot create '" + key + "': a prefix (directory) is there");
        }
        return Optional.empty();
    }

    /**
     * Replaces the file only if its version is {@code expected}. Atomic with respect to every other
     * conditional call on the key from any thread or process: the calls are ordered by an in-JVM lock
     * and an OS record lock ({@link FileChannel#lock}) on one byte of the lock file
     * {@value #LOCK_FILE_NAME} in the root, which listings never show and which stays there. A plain
     * {@link #write} or {@link #delete} takes no lock and is not ordered against conditional calls.
     */
    @Override
    public Optional<String> writeIfVersion(Key key, Bytes value, String expected) throws IOException {
        requireWritableKey(key);
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expected, "expected");
        Path target = path(key);
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (ConditionalWriteLocks.Held held = conditionalLock(key)) {
            if (!parentsAreDirectories(key) || !currentVersion(key).equals(Optional.of(expected))) {
                return Optional.empty();
            }
            writeAtomically(target.getParent(), target, List.of(value), true);
            return versionOf(target);
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw StoreErrors.failure(this, "replacing", key, e);
        }
    }

    /** Deletes the file only if its version is {@code expected}; ordered like {@link #writeIfVersion}. */
    @Override
    public boolean deleteIfVersion(Key key, String expected) throws IOException {
        Objects.requireNonNull(expected, "expected");
        if (key.isRoot() || !Files.isDirectory(root)) {
            return false;
        }
        Path target = path(key);
        try (ConditionalWriteLocks.Held held = conditionalLock(key)) {
            if (!parentsAreDirectories(key) || !currentVersion(key).equals(Optional.of(expected))) {
                return false;
            }
            try {
                Files.delete(target);
                openFiles.invalidate(target);
            } catch (NoSuchFileException e) {
                return false; // a plain delete got there first
            }
            if (options.fsync()) {
                forceDirectory(target.getParent());
            }
            prune(target.getParent());
            return true;
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw StoreErrors.failure(this, "deleting", key, e);
        }
    }

    private Optional<String> currentVersion(Key key) throws IOException {
        try {
            return versionOf(readTarget(key));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The lock that orders conditional calls on {@code key}; creates the root and the lock file if needed. */
    private ConditionalWriteLocks.Held conditionalLock(Key key) throws IOException {
        Files.createDirectories(root);
        return ConditionalWriteLocks.lock(root.toRealPath().resolve(LOCK_FILE_NAME), key);
    }

    /**
     * Moves a fresh temp file's change time past the moment it was created (at most a clock tick's
     * wait; kernels with fine-grained timestamps need none), so that no earlier file of the key, whose
     * inode the file system may reuse, can have the same change time.
     */
    private void advanceChangeTime(Path tmp) throws IOException {
        FileTime created = changeTime(tmp);
        for (int i = 0; i < 10_000; i++) {
            Files.setLastModifiedTime(tmp, FileTime.from(Instant.now()));
            if (changeTime(tmp).compareTo(created) > 0) {
                return;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for the file system clock");
            }
        }
        throw new StoreException(describe() + ": the change time of " + tmp + " does not advance, so versions cannot be made unique");
    }

    private FileTime changeTime(Path file) throws IOException {
        return unixAttributes ? (FileTime) Files.getAttribute(file, "unix:ctime") : Files.getLastModifiedTime(file);
    }

    /** The size from the file's attributes; empty for a missing key or a directory. */
    @Override
    public OptionalLong size(Key key) throws IOException {
        if (key.isRoot()) {
            return OptionalLong.empty();
        }
        try {
            BasicFileAttributes a = Files.readAttributes(readTarget(key), BasicFileAttributes.class);
            return a.isRegularFile() ? OptionalLong.of(a.size()) : OptionalLong.empty();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw StoreErrors.failure(this, "reading the size of", key, e);
        }
    }

    /**
     * Deletes every object at or below a prefix, and the temp files that writers which no longer run
     * (a killed process) left there, so that a directory replaced with {@code --overwrite} holds only
     * what the new writer writes. Temp files of this process and of other live processes on this host
     * stay (their writes are in flight); so does the lock file of conditional writes.
     */
    @Override
    public void deletePrefix(Key prefix) throws IOException {
        Path start = path(prefix);
        if (prefix.isRoot() || followable(start)) {
            try {
                deleteLeftoverTemps(start, prefix, k -> true);
            } catch (IOException e) {
                throw StoreErrors.failure(this, "deleting temp files below", prefix, e);
            }
        }
        for (Key k : list(prefix)) {
            delete(k);
        }
    }

    /**
     * Deletes the temp files that writers whose process is gone left in the directory of {@code node}
     * itself (its subdirectories are not walked, so this costs one listing of one directory).
     */
    @Override
    public int discardInterruptedConditionalWrites(Key node) throws IOException {
        Path dir = path(node);
        if (!node.isRoot() && !followable(dir)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(TEMP_PREFIX))) {
            for (Path p : entries) {
                if (!writerMayRun(p.getFileName().toString()) && Files.deleteIfExists(p)) {
                    deleted++;
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return deleted; // nothing there
        } catch (IOException e) {
            throw StoreErrors.failure(this, "deleting temp files of interrupted writes in", node, e);
        }
        return deleted;
    }

    /**
     * Whether the process that named a temp file may still be writing it: temp names carry the writer's
     * process id ({@code .tmp-PID-RANDOM}); names without one come from no writer of this version.
     */
    private static boolean writerMayRun(String tempName) {
        String rest = tempName.substring(TEMP_PREFIX.length());
        int dash = rest.indexOf('-');
        if (dash <= 0) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(rest.substring(0, dash));
        } catch (NumberFormatException e) {
            return false;
        }
        return pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Deletes the temp files of writers that no longer run in {@code dir} (the directory of key
     * {@code dirKey}) and the directories below it, those {@code abandoned} accepts; links are not
     * followed. Returns how many were deleted.
     */
    private static int deleteLeftoverTemps(Path dir, Key dirKey, java.util.function.Predicate<Key> abandoned) throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX)) {
                    if (!writerMayRun(name) && abandoned.test(dirKey.resolve(name)) && Files.deleteIfExists(p)) {
                        deleted++;
                    }
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    deleted += deleteLeftoverTemps(p, childKey(dirKey, name), abandoned);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            // nothing there, or removed meanwhile
        }
        return deleted;
    }

    /** The key of a directory below {@code dirKey}; {@code dirKey} itself for a name that is no key segment. */
    private static Key childKey(Key dirKey, String name) {
        try {
            return dirKey.resolve(name);
        } catch (IllegalArgumentException e) {
            return dirKey;
        }
    }

    // ---------------------------------------------------------------- listing

    @Override
    public List<Key> list(Key prefix) throws IOException {
        Path start = path(prefix);
        BasicFileAttributes attrs;
        try {
            if (!prefix.isRoot() && !followable(start)) {
                return List.of(); // behind a link out of the root: not part of the store
            }
            attrs = Files.readAttributes(start, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (FileSystemException e) {
            if (!Files.exists(start)) {
                return List.of();
            }
            throw StoreErrors.failure(this, "listing", prefix, e);
        }
        if (attrs.isRegularFile()) {
            return prefix.isRoot() || isTemp(prefix.name()) ? List.of() : List.of(prefix);
        }
        if (!attrs.isDirectory()) {
            return List.of();
        }
        List<Key> out = new ArrayList<>();
        try {
            java.util.Set<Object> ancestors = new java.util.HashSet<>();
            if (attrs.fileKey() != null) {
                ancestors.add(attrs.fileKey());
            }
            walk(prefix, start, ancestors, out);
        } catch (IOException e) {
            throw StoreErrors.failure(this, "listing", prefix, e);
        }
        Collections.sort(out);
        return out;
    }

    /**
     * Collects the regular files below {@code dir} as keys. Skips temp files, names that are no keys,
     * entries that vanish meanwhile, dangling links, links out of the root (unless allowed) and link
     * loops ({@code ancestors} holds the file keys of the directories above).
     */
    private void walk(Key dirKey, Path dir, java.util.Set<Object> ancestors, List<Key> out) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                Optional<Key> key = entryKey(dirKey, p);
                Optional<BasicFileAttributes> attrs = key.isEmpty() ? Optional.empty() : entryAttributes(p);
                if (attrs.isEmpty()) {
                    continue;
                }
                if (attrs.get().isRegularFile()) {
                    out.add(key.get());
                } else if (attrs.get().isDirectory()) {
                    Object id = attrs.get().fileKey();
                    if (id != null && !ancestors.add(id)) {
                        continue; // a link back to a directory above: a loop
                    }
                    walk(key.get(), p, ancestors, out);
                    if (id != null) {
                        ancestors.remove(id);
                    }
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            // removed by a concurrent delete
        }
    }

    /** The key of a directory entry; empty for temp files and names that are no valid key segment. */
    private static Optional<Key> entryKey(Key dirKey, Path entry) {
        String name = entry.getFileName().toString();
        return isTemp(name) ? Optional.empty() : toKey(dirKey, entry.getFileName());
    }

    /**
     * The attributes of a directory entry, following a link only where reads would: empty if it
     * vanished, is a dangling link, or is a link out of the root that the options do not allow.
     */
    private Optional<BasicFileAttributes> entryAttributes(Path p) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isSymbolicLink()) {
                return Optional.of(a);
            }
            return followable(p) ? Optional.of(Files.readAttributes(p, BasicFileAttributes.class)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Listing listDir(Key prefix) throws IOException {
        Path dir = path(prefix);
        List<Key> objects = new ArrayList<>();
        List<Key> prefixes = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try {
            if (!prefix.isRoot() && !followable(dir)) {
                return new Listing(List.of(), List.of()); // behind a link out of the root
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    Optional<Key> key = entryKey(prefix, p);
                    if (key.isEmpty()) {
                        String name = p.getFileName().toString();
                        if (!isTemp(name)) {
                            skipped.add(name); // such as "a\\b": no key can name it
                        }
                        continue;
                    }
                    Optional<BasicFileAttributes> attrs = entryAttributes(p);
                    if (attrs.isPresent() && attrs.get().isDirectory()) {
                        prefixes.add(key.get());
                    } else if (attrs.isPresent() && attrs.get().isRegularFile()) {
                        objects.add(key.get());
                    }
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return new Listing(List.of(), List.of());
        } catch (FileSystemException e) {
            if (!Files.isDirectory(dir)) {
                return new Listing(List.of(), List.of());
            }
            throw StoreErrors.failure(this, "listing", prefix, e);
        } catch (IOException e) {
            throw StoreErrors.failure(this, "listing", prefix, e);
        }
        Collections.sort(objects);
        Collections.sort(prefixes);
        return new Listing(objects, prefixes, skipped);
    }

    // ---------------------------------------------------------------- helpers

    /** The key of a relative path below {@code prefix}; empty for a file name that is no valid key segment. */
    private static Optional<Key> toKey(Key prefix, Path relative) {
        StringBuilder sb = new StringBuilder();
        for (Path part : relative) {
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(part);
        }
        try {
            return Optional.of(prefix.resolve(sb.toString()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Temp files and the lock file: never listed, never writable as keys. */
    private static boolean isTemp(String name) {
        return name.startsWith(TEMP_PREFIX) || name.equals(LOCK_FILE_NAME);
    }

    private static void requireWritableKey(Key key) {
        if (key.isRoot()) {
            throw new IllegalArgumentException("the root key names no object");
        }
        if (isTemp(key.name())) {
            throw new IllegalArgumentException("key '" + key + "': names starting with " + TEMP_PREFIX + " and the name "
                    + LOCK_FILE_NAME + " are reserved for temporary files and locks");
        }
    }

    private static Path canonicalRoot(Path root) throws StoreException {
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.exists(abs)) {
            return abs;
        }
        if (!Files.isDirectory(abs)) {
            throw new StoreException("file:" + abs + ": the store root is not a directory");
        }
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            throw new StoreException("file:" + abs + ": cannot resolve the store root: " + e.getMessage(), e);
        }
    }

    /**
     * Closes the files kept open for ranged reads (those in use close when their read ends). The store stays
     * usable; reads after this open and close their file each time.
     */
    @Override
    public void close() {
        openFiles.close();
    }

    /** How many files this store keeps open for ranged reads now (for tests). */
    int openFileCount() {
        return openFiles.size();
    }

    @Override
    public String describe() {
        return "file:" + root;
    }

    @Override
    public String toString() {
        return describe();
    }
}
