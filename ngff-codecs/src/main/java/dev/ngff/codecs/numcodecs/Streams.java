package dev.ngff.codecs.numcodecs;

import dev.ngff.buffer.Buffers;
import dev.ngff.buffer.Bytes;
import dev.ngff.error.CorruptDataException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reading a decompressing stream into memory without ever holding more than the caller's bound. */
final class Streams {
    private Streams() {
    }

    /**
     * Reads {@code in} to its end. Output beyond {@code max} bytes, and any failure of the decompressor
     * (truncated or corrupt input), is a {@link CorruptDataException} that starts with {@code name}.
     */
    static Bytes readBounded(InputStream in, long max, long inputSize, String name) throws CorruptDataException {
        long cap = Math.min(max, Buffers.MAX_HEAP_ARRAY);
        byte[] out = new byte[(int) Math.min(cap, Math.max(4096, Math.min(4 * inputSize, 1 << 24)))];
        int pos = 0;
        try (in) {
            while (true) {
                if (pos == out.length) {
                    if (out.length >= cap) {
                        if (in.read() >= 0) {
                            throw new CorruptDataException(name + ": decompressed data exceeds the bound of " + cap + " bytes");
                        }
                        break;
                    }
                    out = Arrays.copyOf(out, (int) Math.min(cap, 2L * out.length));
                }
                int n = in.read(out, pos, out.length - pos);
                if (n < 0) {
                    break;
                }
                pos += n;
            }
        } catch (CorruptDataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // the decompressors report truncation and corruption as IOExceptions (EOF, CorruptedInput) and
            // some hostile inputs as unchecked exceptions
            throw new CorruptDataException(name + ": corrupt or truncated data after " + pos + " decompressed bytes: "
                    + e, e);
        }
        return Bytes.wrap(out, 0, pos);
    }
}
