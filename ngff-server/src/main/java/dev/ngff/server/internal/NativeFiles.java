package dev.ngff.server.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * File descriptors of our own on Linux (x86_64 and aarch64), through the C library's {@code open},
 * {@code statx}, {@code pread} and {@code close}: the JDK's {@code FileChannel} gives no descriptor number,
 * so it cannot {@code fstat} the file it holds, which is what lets {@link OpenFiles} check a cached file's
 * version without walking its path. {@code statx} is used for {@code fstat} because its record has one
 * layout on every architecture. Thread-safe; each thread has its own small scratch memory.
 */
final class NativeFiles {
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int S_IFMT = 0xf000;
    private static final int S_IFREG = 0x8000;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ENOTDIR = 20;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int ELOOP = 40;

    // struct statx (linux/stat.h): the same on every architecture
    private static final long STX_NLINK = 16;
    private static final long STX_MODE = 28;
    private static final long STX_INO = 32;
    private static final long STX_SIZE = 40;
    private static final long STX_CTIME = 96;
    private static final long STX_MTIME = 112;
    private static final long STX_DEV_MAJOR = 136;
    private static final long STX_DEV_MINOR = 140;
    private static final long STATX_BYTES = 256;

    private static final Holder.Loaded LOADED = Holder.load();

    private final int openFlags;
    private final MethodHandle open;  // int open(const char *path, int flags, ... mode)
    private final MethodHandle statx; // int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *)
    private final MethodHandle pread; // ssize_t pread(int fd, void *buf, size_t count, off_t offset)
    private final MethodHandle close; // int close(int fd)
    private final VarHandle errno;
    private final StructLayout stateLayout;
    private final ThreadLocal<Scratch> scratch;
    private final MemorySegment emptyPath;

    /** Per-thread memory for one call's errno and {@code statx} record. */
    private record Scratch(MemorySegment state, MemorySegment stat) {
    }

    /**
     * One version of a file as {@code statx} saw it. {@code dev} is the device number as {@code makedev}
     * composes it (what {@code stat}'s {@code st_dev} holds).
     */
    record Version(long dev, long ino, long nlink, boolean regular, long size, long mtimeSec, int mtimeNsec,
                   long ctimeSec, int ctimeNsec) {
        /** Same file (device and inode), size and modification time: the same bytes for an HTTP validator. */
        boolean sameContent(Version o) {
            return dev == o.dev && ino == o.ino && size == o.size && mtimeSec == o.mtimeSec && mtimeNsec == o.mtimeNsec;
        }

        /** {@link #sameContent} and no change of links or name since (the change time moves on link, unlink and rename). */
        boolean unchanged(Version o) {
            return sameContent(o) && nlink == o.nlink && ctimeSec == o.ctimeSec && ctimeNsec == o.ctimeNsec;
        }
    }

    private NativeFiles(SymbolLookup libc, int openFlags) {
        Linker linker = Linker.nativeLinker();
        this.openFlags = openFlags;
        this.stateLayout = Linker.Option.captureStateLayout();
        this.errno = stateLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        Linker.Option errnoOption = Linker.Option.captureCallState("errno");
        this.open = linker.downcallHandle(find(libc, "open"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                errnoOption, Linker.Option.firstVariadicArg(2));
        this.statx = linker.downcallHandle(find(libc, "statx"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), errnoOption);
        this.pread = linker.downcallHandle(find(libc, "pread"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), errnoOption);
        this.close = linker.downcallHandle(find(libc, "close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        this.emptyPath = Arena.global().allocate(1);
        this.scratch = ThreadLocal.withInitial(() -> {
            Arena a = Arena.ofAuto();
            return new Scratch(a.allocate(stateLayout), a.allocate(STATX_BYTES, 8));
        });
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("the C library lacks " + name));
    }

    private static final class Holder {
        /** The loaded functions, or why there are none. */
        record Loaded(NativeFiles files, String cause) {
        }

        static Loaded load() {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
                return new Loaded(null, "not Linux");
            }
            // O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC: O_NOFOLLOW differs between architectures
            int flags = switch (System.getProperty("os.arch", "")) {
                case "amd64", "x86_64" -> 0x800 | 0x20000 | 0x80000;
                case "aarch64" -> 0x800 | 0x8000 | 0x80000;
                default -> -1;
            };
            if (flags < 0) {
                return new Loaded(null, "no open flags known for " + System.getProperty("os.arch"));
            }
            try {
                return new Loaded(new NativeFiles(Linker.nativeLinker().defaultLookup(), flags), null);
            } catch (RuntimeException | LinkageError e) {
                return new Loaded(null, "cannot bind the C library's open/statx/pread: " + e.getMessage());
            }
        }
    }

    /** The functions, or null where they cannot be used ({@link #unavailabilityCause()} says why). */
    static NativeFiles get() {
        return LOADED.files();
    }

    static String unavailabilityCause() {
        return LOADED.cause();
    }

    /**
     * The path as the C string the kernel sees, in memory the garbage collector frees, or null when this JVM
     * would not encode it so (a name outside ASCII under a non-UTF-8 {@code sun.jnu.encoding}): such a file
     * is left to the JDK.
     */
    static MemorySegment cPath(Path path) {
        String s = path.toString();
        if (s.indexOf('\0') >= 0) {
            return null;
        }
        boolean ascii = s.chars().allMatch(c -> c < 0x80);
        if (!ascii) {
            Charset jnu = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"), StandardCharsets.UTF_8);
            if (!jnu.equals(StandardCharsets.UTF_8) || s.indexOf('\uFFFD') >= 0) {
                return null;
            }
        }
        return Arena.ofAuto().allocateFrom(s, StandardCharsets.UTF_8);
    }

    /**
     * Opens {@code cPath} (from {@link #cPath}) read-only and non-blocking (a FIFO never stalls the caller),
     * not following a link at its last component. Returns the descriptor, or {@code -errno} for ELOOP (a
     * link), ENOENT and ENOTDIR; throws for other errors ("Too many open files" for EMFILE and ENFILE).
     */
    int open(MemorySegment cPath, Path path) throws IOException {
        Scratch s = scratch.get();
        try {
            for (; ; ) {
                int fd = (int) open.invokeExact(s.state(), cPath, openFlags, 0);
                if (fd >= 0) {
                    return fd;
                }
                int e = (int) errno.get(s.state(), 0L);
                if (e == EINTR) {
                    continue;
                }
                if (e == ELOOP || e == ENOENT || e == ENOTDIR) {
                    return -e;
                }
                if (e == EMFILE || e == ENFILE) {
                    throw new IOException(path + ": Too many open files (errno " + e + ")");
                }
                throw new IOException(path + ": cannot open (errno " + e + ")");
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code lstat} of a path (a link is described, not followed); null when nothing is there (ENOENT, ENOTDIR). */
    Version lstat(MemorySegment cPath, Path path) throws IOException {
        Scratch s = scratch.get();
        try {
            int r = (int) statx.invokeExact(s.state(), AT_FDCWD, cPath, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, s.stat());
            if (r != 0) {
                int e = (int) errno.get(s.state(), 0L);
                if (e == ENOENT || e == ENOTDIR) {
                    return null;
                }
                throw new IOException(path + ": cannot stat (errno " + e + ")");
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return version(s.stat());
    }

    /** {@code fstat} of an open descriptor. */
    Version stat(int fd) throws IOException {
        Scratch s = scratch.get();
        MemorySegment st = s.stat();
        try {
            int r = (int) statx.invokeExact(s.state(), fd, emptyPath, AT_EMPTY_PATH, STATX_BASIC_STATS, st);
            if (r != 0) {
                throw new IOException("statx of descriptor " + fd + " failed (errno " + (int) errno.get(s.state(), 0L) + ")");
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return version(st);
    }

    private static Version version(MemorySegment st) {
        long major = Integer.toUnsignedLong(st.get(JAVA_INT, STX_DEV_MAJOR));
        long minor = Integer.toUnsignedLong(st.get(JAVA_INT, STX_DEV_MINOR));
        long dev = ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
        int mode = Short.toUnsignedInt(st.get(JAVA_SHORT, STX_MODE));
        return new Version(dev, st.get(JAVA_LONG, STX_INO), Integer.toUnsignedLong(st.get(JAVA_INT, STX_NLINK)),
                (mode & S_IFMT) == S_IFREG, st.get(JAVA_LONG, STX_SIZE),
                st.get(JAVA_LONG, STX_MTIME), st.get(JAVA_INT, STX_MTIME + 8),
                st.get(JAVA_LONG, STX_CTIME), st.get(JAVA_INT, STX_CTIME + 8));
    }

    /** Reads up to {@code dst.byteSize()} bytes at {@code position}; returns the count, 0 at the end of the file. */
    long pread(int fd, MemorySegment dst, long position) throws IOException {
        Scratch s = scratch.get();
        try {
            for (; ; ) {
                long n = (long) pread.invokeExact(s.state(), fd, dst, dst.byteSize(), position);
                if (n >= 0) {
                    return n;
                }
                int e = (int) errno.get(s.state(), 0L);
                if (e != EINTR) {
                    throw new IOException("read failed (errno " + e + ")");
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    void close(int fd) {
        try {
            int ignored = (int) close.invokeExact(fd); // read-only: nothing is lost whatever it says
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
