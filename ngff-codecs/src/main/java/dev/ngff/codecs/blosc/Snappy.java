package dev.ngff.codecs.blosc;

/**
 * A bounds-checked decoder of raw Snappy blocks (a varint length, then literal and copy elements), for the
 * blosc frames that older numcodecs builds wrote with {@code cname: snappy}. There is no encoder: current
 * c-blosc builds in numcodecs and zarr-python leave snappy out.
 */
final class Snappy {
    private Snappy() {
    }

    /** Decodes into exactly {@code outLen} bytes; returns the count, or -1 when the block is malformed. */
    static int decompress(byte[] src, int off, int len, byte[] dst, int dstOff, int outLen) {
        int ip = off;
        int end = off + len;
        long declared = 0;
        for (int shift = 0; ; shift += 7) {
            if (ip >= end || shift > 28) {
                return -1;
            }
            int b = src[ip++] & 0xff;
            declared |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                break;
            }
        }
        if (declared != outLen) {
            return -1;
        }
        int op = dstOff;
        int opEnd = dstOff + outLen;
        while (ip < end) {
            int tag = src[ip++] & 0xff;
            int kind = tag & 3;
            if (kind == 0) {
                int l = tag >>> 2;
                if (l >= 60) {
                    int nb = l - 59;
                    if (nb > end - ip) {
                        return -1;
                    }
                    long v = 0;
                    for (int i = 0; i < nb; i++) {
                        v |= (long) (src[ip + i] & 0xff) << (8 * i);
                    }
                    ip += nb;
                    if (v >= Integer.MAX_VALUE) {
                        return -1;
                    }
                    l = (int) v;
                }
                int count = l + 1;
                if (count > end - ip || count > opEnd - op) {
                    return -1;
                }
                System.arraycopy(src, ip, dst, op, count);
                ip += count;
                op += count;
                continue;
            }
            int count;
            long offset;
            if (kind == 1) {
                if (ip >= end) {
                    return -1;
                }
                count = 4 + ((tag >>> 2) & 7);
                offset = ((tag >>> 5) << 8) | (src[ip++] & 0xff);
            } else if (kind == 2) {
                if (2 > end - ip) {
                    return -1;
                }
                count = 1 + (tag >>> 2);
                offset = (src[ip] & 0xff) | (src[ip + 1] & 0xff) << 8;
                ip += 2;
            } else {
                if (4 > end - ip) {
                    return -1;
                }
                count = 1 + (tag >>> 2);
                offset = Integer.toUnsignedLong((src[ip] & 0xff) | (src[ip + 1] & 0xff) << 8
                        | (src[ip + 2] & 0xff) << 16 | (src[ip + 3] & 0xff) << 24);
                ip += 4;
            }
            if (offset == 0 || offset > op - dstOff || count > opEnd - op) {
                return -1;
            }
            int from = (int) (op - offset);
            if (offset >= count) {
                System.arraycopy(dst, from, dst, op, count);
            } else {
                for (int i = 0; i < count; i++) {
                    dst[op + i] = dst[from + i];
                }
            }
            op += count;
        }
        return op == opEnd ? outLen : -1;
    }
}
