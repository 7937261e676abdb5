package dev.ngff.store;

/**
 * Which bytes of a stored object to read. Reads clip to the end of the object: a range that runs past
 * the end returns the bytes that exist, and callers check the length they got.
 */
public sealed interface ByteRange {
    /** The whole object. */
    ByteRange WHOLE = new Whole();

    static ByteRange whole() {
        return WHOLE;
    }

    static ByteRange from(long offset) {
        return new FromOffset(offset);
    }

    static ByteRange of(long offset, long length) {
        return new Bounded(offset, length);
    }

    static ByteRange suffix(long length) {
        return new Suffix(length);
    }

    /** Start offset in an object of the given total length, after clipping. */
    long start(long objectLength);

    /** End offset (exclusive) in an object of the given total length, after clipping. */
    long end(long objectLength);

    record Whole() implements ByteRange {
        public long start(long n) {
            return 0;
        }

        public long end(long n) {
            return n;
        }

        @Override
        public String toString() {
            return "bytes=all";
        }
    }

    record FromOffset(long offset) implements ByteRange {
        public FromOffset {
            if (offset < 0) {
                throw new IllegalArgumentException("negative offset " + offset);
            }
        }

        public long start(long n) {
            return Math.min(offset, n);
        }

        public long end(long n) {
            return n;
        }

        @Override
        public String toString() {
            return "bytes=" + offset + "-";
        }
    }

    record Bounded(long offset, long length) implements ByteRange {
        public Bounded {
            if (offset < 0 || length < 0 || offset + length < 0) {
                throw new IllegalArgumentException("invalid byte range offset=" + offset + " length=" + length);
            }
        }

        public long start(long n) {
            return Math.min(offset, n);
        }

        public long end(long n) {
            return Math.min(offset + length, n);
        }

        @Override
        public String toString() {
            return "bytes=" + offset + "-" + (offset + length - 1);
        }
    }

    record Suffix(long length) implements ByteRange {
        public Suffix {
            if (length < 0) {
                throw new IllegalArgumentException("negative suffix length " + length);
            }
        }

        public long start(long n) {
            return Math.max(0, n - length);
        }

        public long end(long n) {
            return n;
        }

        @Override
        public String toString() {
            return "bytes=-" + length;
        }
    }
}
