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
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A store over a directory of a local file system: key {@code a/b/c} is the file {@code <root>/a/b/c}.
 *
 * <p><b>Reads</b> use positional {@link FileChannel} reads into an array of exactly the clipped range
 * (never more than the file holds); a range above 2 GiB is memory-mapped instead. A missing file, a
 * directory at the key, or a path through a regular file all read as {@link Optional#empty()}.
 *
 * <p><b>Writes</b> are atomic to readers: the value goes to a unique temporary file named
 * {@value #TEMP_PREFIX}{@code <random>} in the target's directory (optionally forced to disk), which is
 * then renamed over the target (and the directory optionally forced, see {@link Options#fsync()}).
 * Parent directories are created as needed. Concurrent writers of the same key end with one complete
 * value (the last rename wins); a writer racing with a delete that prunes its directory retries.
 * Temporary files never appear in listings, and keys whose last segment starts with
 * {@value #TEMP_PREFIX} are reserved: writing one is an {@link IllegalArgumentException}.
 * {@link #delete} removes the file, then removes parent directories that became empty, up to but not
 * including the root.
 *
 * <p><b>Confinement.</b> {@link Key} already bans {@code ..}, {@code .}, empty segments, leading
 * slashes, backslashes and NUL; every resolved path is also normalised and checked to lie below the
 * root. Symbolic links inside the root are followed for reads and listings (so a hierarchy may be
 * assembled from linked pieces; whoever can create links in the root is trusted to read), but writes
 * and deletes never pass through one: if a directory on the way to the key is a symbolic link, the
 * write or delete fails with a {@link StoreException} and nothing is created or removed outside the
 * root. A symbolic link at the key itself is replaced by the write (the rename replaces the link, not
 * the file it points to) and removed by a delete. These checks do not defend against another process
 * that swaps directories for links while a write is in progress.
 *
 * <p>Thread-safe. Failures of the file system are {@link StoreException}s naming this store, the key
 * and the byte range. Listings are snapshots in lexicographic key order; {@link #listDir} reports
 * every child directory as a prefix, even one that holds no objects yet.
 */
public final class FileSystemStore implements Store {
    /** The name prefix of in-flight temporary files. */
    public static final String TEMP_PREFIX = ".tmp-";

    private static final int MAX_WRITE_ATTEMPTS = 16;
    private static final int MAX_CHUNK = 1 << 30;

    /**
     * Options of a file-system store.
     *
     * @param fsync force each written file and its directory to stable storage before a write returns
     */
    public record Options(boolean fsync) {
        /** No fsync. */
        public static Options defaults() {
            return new Options(false);
        }
    }

    private final Path root;
    private final Options options;

    /**
     * A store rooted at {@code root}, which is created on the first write if missing.
     *
     * @throws StoreException if {@code root} exists and is not a directory
     */
    public FileSystemStore(Path root, Options options) throws StoreException {
        this.options = Objects.requireNonNull(options, "options");
        this.root = canonicalRoot(Objects.requireNonNull(root, "root"));
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
        Objects.requireNonNull(range, "range");
        if (key.isRoot()) {
            return Optional.empty();
        }
        Path file = path(key);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readOpen(ch, file, range);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            if (!Files.exists(file)) {
                return Optional.empty(); // a path through a regular file ("Not a directory")
            }
            throw StoreErrors.failure(this, "reading", key, range, e);
        } catch (IOException e) {
            throw StoreErrors.failure(this, "reading", key, range, e);
        }
    }

    private static Optional<Bytes> readOpen(FileChannel ch, Path file, ByteRange range) throws IOException {
        long size = ch.size();
        long start = range.start(size);
        long length = Math.max(0, range.end(size) - start);
        try {
            if (length == 0) {
                return Files.isDirectory(file) ? Optional.empty() : Optional.of(Bytes.EMPTY);
            }
            return Optional.of(length > Buffers.MAX_HEAP_ARRAY ? map(ch, start, length) : readArray(ch, start, (int) length));
        } catch (IOException e) {
            if (Files.isDirectory(file)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Bytes readArray(FileChannel ch, long start, int length) throws IOException {
        byte[] buf = new byte[length];
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
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
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
        return !key.isRoot() && Files.isRegularFile(path(key));
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void write(Key key, Bytes value) throws IOException {
        requireWritableKey(key);
        Objects.requireNonNull(value, "value");
        Path target = path(key);
        for (int attempt = 1; ; attempt++) {
            try {
                Path dir = createParents(key);
                writeAtomically(dir, target, value);
                return;
            } catch (NoSuchFileException | FileAlreadyExistsException e) {
                // a concurrent delete pruned a directory we had created, or a temp name collided
                if (attempt >= MAX_WRITE_ATTEMPTS) {
                    throw StoreErrors.failure(this, "writing", key, e);
                }
            } catch (StoreException e) {
                throw e;
            } catch (IOException e) {
                throw StoreErrors.failure(this, "writing", key, e);
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

    private void writeAtomically(Path dir, Path target, Bytes value) throws IOException {
        Path tmp = dir.resolve(TEMP_PREFIX + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(ch, value);
                if (options.fsync()) {
                    ch.force(true);
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            if (options.fsync()) {
                forceDirectory(dir);
            }
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
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

    @Override
    public void deletePrefix(Key prefix) throws IOException {
        for (Key k : list(prefix)) {
            delete(k);
        }
    }

    // ---------------------------------------------------------------- listing

    @Override
    public List<Key> list(Key prefix) throws IOException {
        Path start = path(prefix);
        BasicFileAttributes attrs;
        try {
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
        return walk(prefix, start);
    }

    private List<Key> walk(Key prefix, Path start) throws StoreException {
        List<Key> out = new ArrayList<>();
        try {
            Files.walkFileTree(start, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new Collector(prefix, start, out));
        } catch (IOException e) {
            throw StoreErrors.failure(this, "listing", prefix, e);
        }
        Collections.sort(out);
        return out;
    }

    /** Collects regular files below a directory as keys; skips temp files, vanished files and link loops. */
    private static final class Collector extends SimpleFileVisitor<Path> {
        private final Key prefix;
        private final Path start;
        private final List<Key> out;

        Collector(Key prefix, Path start, List<Key> out) {
            this.prefix = prefix;
            this.start = start;
            this.out = out;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && !isTemp(file.getFileName().toString())) {
                toKey(prefix, start.relativize(file)).ifPresent(out::add);
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException || e instanceof FileSystemLoopException) {
                return FileVisitResult.CONTINUE;
            }
            throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
            }
            return FileVisitResult.CONTINUE;
        }
    }

    @Override
    public Listing listDir(Key prefix) throws IOException {
        Path dir = path(prefix);
        List<Key> objects = new ArrayList<>();
        List<Key> prefixes = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                classify(prefix, p, objects, prefixes, skipped);
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

    private static void classify(Key prefix, Path p, List<Key> objects, List<Key> prefixes, List<String> skipped)
            throws IOException {
        String name = p.getFileName().toString();
        if (isTemp(name)) {
            return;
        }
        Optional<Key> key = toKey(prefix, p.getFileName());
        if (key.isEmpty()) {
            skipped.add(name); // such as "a\\b": no key can name it
            return;
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return; // deleted meanwhile, or a dangling link
        }
        if (attrs.isDirectory()) {
            prefixes.add(key.get());
        } else if (attrs.isRegularFile()) {
            objects.add(key.get());
        }
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

    private static boolean isTemp(String name) {
        return name.startsWith(TEMP_PREFIX);
    }

    private static void requireWritableKey(Key key) {
        if (key.isRoot()) {
            throw new IllegalArgumentException("the root key names no object");
        }
        if (isTemp(key.name())) {
            throw new IllegalArgumentException("key '" + key + "': names starting with " + TEMP_PREFIX + " are reserved for temporary files");
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

    @Override
    public String describe() {
        return "file:" + root;
    }

    @Override
    public String toString() {
        return describe();
    }
}
