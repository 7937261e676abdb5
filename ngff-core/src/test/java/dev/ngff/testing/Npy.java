package dev.ngff.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy {@code .npy} file (format versions 1, 2 and 3): its dtype descriptor, memory order, shape and
 * the raw element bytes exactly as stored (in the array's own order: Fortran order when
 * {@code fortranOrder}). Object arrays (pickles) are refused, never unpickled.
 *
 * @param descr        the dtype descriptor, e.g. {@code <i4}, {@code |b1}, {@code <M8[ns]}
 * @param fortranOrder whether the data is in column-major order
 * @param shape        the array shape (empty for a scalar)
 * @param data         the element bytes that follow the header
 */
public record Npy(String descr, boolean fortranOrder, long[] shape, byte[] data) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final Pattern ITEMSIZE = Pattern.compile("[<>|=]?[a-zA-Z](\\d+)(\\[\\w+])?");

    public Npy {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Reads and checks a whole {@code .npy} file. */
    public static Npy read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Parses {@code .npy} bytes; {@code name} appears in error messages. */
    public static Npy parse(byte[] b, String name) throws IOException {
        if (b.length < 10 || !Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException(name + ": not a .npy file (bad magic)");
        }
        int major = b[6] & 0xff;
        int headerStart;
        long headerLen;
        if (major == 1) {
            headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) {
                throw new IOException(name + ": truncated .npy header");
            }
            headerLen = (b[8] & 0xffL) | (b[9] & 0xffL) << 8 | (b[10] & 0xffL) << 16 | (b[11] & 0xffL) << 24;
            headerStart = 12;
        } else {
            throw new IOException(name + ": unsupported .npy format version " + major + "." + (b[7] & 0xff));
        }
        if (headerStart + headerLen > b.length) {
            throw new IOException(name + ": truncated .npy header");
        }
        int dataStart = (int) (headerStart + headerLen);
        String header = new String(b, headerStart, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, "descr", name);
        boolean fortran = group(FORTRAN, header, "fortran_order", name).equals("True");
        String dims = group(SHAPE, header, "shape", name).trim();
        long[] shape = dims.isEmpty() ? new long[0]
                : Arrays.stream(dims.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .mapToLong(Long::parseLong).toArray();
        long itemSize = itemSize(descr, name);
        long count = 1;
        for (long s : shape) {
            count = Math.multiplyExact(count, s);
        }
        long expected = Math.multiplyExact(count, itemSize);
        if (b.length - dataStart != expected) {
            throw new IOException(name + ": " + (b.length - dataStart) + " data bytes, expected " + expected
                    + " for " + descr + " " + Arrays.toString(shape));
        }
        return new Npy(descr, fortran, shape, Arrays.copyOfRange(b, dataStart, b.length));
    }

    /** Bytes per element of a simple descriptor ({@code <U5} is 20: four bytes per code point). */
    static long itemSize(String descr, String name) throws IOException {
        if (descr.contains("O")) {
            throw new IOException(name + ": object dtype " + descr + " needs pickle, which is not read");
        }
        Matcher m = ITEMSIZE.matcher(descr);
        if (!m.matches()) {
            throw new IOException(name + ": unsupported dtype descriptor " + descr + " (structured dtypes are not read)");
        }
        long n = Long.parseLong(m.group(1));
        return descr.replaceAll("^[<>|=]", "").startsWith("U") ? 4 * n : n;
    }

    private static String group(Pattern p, String header, String key, String name) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(name + ": .npy header has no '" + key + "': " + header.strip());
        }
        return m.group(1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Npy n && descr.equals(n.descr) && fortranOrder == n.fortranOrder
                && Arrays.equals(shape, n.shape) && Arrays.equals(data, n.data);
    }

    @Override
    public int hashCode() {
        return (descr.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Npy[" + descr + (fortranOrder ? " F " : " ") + Arrays.toString(shape) + ", " + data.length + " bytes]";
    }
}
