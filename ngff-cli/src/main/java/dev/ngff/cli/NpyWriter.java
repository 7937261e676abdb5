package dev.ngff.cli;

import dev.ngff.convert.internal.Sizes;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Streams a box of an array into a {@code .npy} file. A box larger than {@code slabBytes} is read in
 * slabs that are contiguous in C order (ranges of the outermost dimension that can be split), so memory
 * stays bounded. The file is written under a temporary name and moved into place when complete.
 */
final class NpyWriter {
    private NpyWriter() {
    }

    /** Writes the box and returns the number of data bytes written. */
    static long write(ZarrArray array, Region.Box box, Path out, long slabBytes) throws IOException {
        long[] ext = box.shape();
        Path tmp = out.resolveSibling(out.getFileName() + ".part");
        long written = 0;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, ByteBuffer.wrap(NpyHeader.bytes(array.dataType(), ext)));
            if (NdBuffer.elementCount(ext) > 0) {
                written = writeSlabs(array, box.offset(), ext, ch, slabBytes);
            }
        } catch (FileSystemException e) {
            deleteQuietly(tmp, e);
            throw new IOException("cannot write '" + out + "': " + dev.ngff.error.Causes.describe(e), e);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp, e);
            throw e;
        }
        try {
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp, e);
            throw new IOException("cannot write '" + out + "': " + dev.ngff.error.Causes.describe(e), e);
        }
        return written;
    }

    /** Removes the partial file; a failure to do so must not hide the failure that got us here. */
    private static void deleteQuietly(Path tmp, Exception cause) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    private static long writeSlabs(ZarrArray array, long[] offset, long[] ext, FileChannel ch, long slabBytes)
            throws IOException {
        int rank = ext.length;
        long es = array.dataType().byteSize();
        // k: outermost dimension whose trailing block (dims after k) fits a slab; -1 when the whole box fits
        int k = -1;
        long trailing = es * NdBuffer.elementCount(ext);
        if (trailing > slabBytes) {
            trailing = es;
            k = rank - 1;
            while (k > 0 && Sizes.product(trailing, ext[k]) <= slabBytes) {
                trailing = Sizes.product(trailing, ext[k]);
                k--;
            }
        }
        if (k < 0) {
            return writeBox(array, offset, ext, ch);
        }
        long step = Math.max(1, slabBytes / trailing);
        long[] counter = new long[k]; // indices of dimensions before k, each slab takes one
        long written = 0;
        while (true) {
            for (long i = 0; i < ext[k]; i += step) {
                long[] off = offset.clone();
                long[] sh = ext.clone();
                for (int d = 0; d < k; d++) {
                    off[d] += counter[d];
                    sh[d] = 1;
                }
                off[k] += i;
                sh[k] = Math.min(step, ext[k] - i);
                written += writeBox(array, off, sh, ch);
            }
            int d = k - 1;
            while (d >= 0 && ++counter[d] == ext[d]) {
                counter[d] = 0;
                d--;
            }
            if (d < 0) {
                return written;
            }
        }
    }

    private static long writeBox(ZarrArray array, long[] off, long[] shape, FileChannel ch) throws IOException {
        NdBuffer b = array.read(off, shape);
        writeFully(ch, b.segment().asByteBuffer());
        return b.segment().byteSize();
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
