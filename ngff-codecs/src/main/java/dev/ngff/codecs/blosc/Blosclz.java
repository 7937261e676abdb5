package dev.ngff.codecs.blosc;

import java.util.Arrays;

/**
 * BloscLZ, the FastLZ-derived compressor inside c-blosc. The decoder follows the stream format c-blosc
 * reads (literal runs of 1..32 bytes; matches of 3+ bytes at distances up to 8191, or with a 16-bit extension
 * beyond) and checks every bound, so hostile input fails instead of reading or writing out of range. The
 * encoder is our own greedy hash-chain-free LZ77 that emits near matches only; its output is valid BloscLZ
 * that c-blosc decodes (checked in tests against blosc-java).
 */
final class Blosclz {
    private static final int MAX_COPY = 32;
    private static final int MAX_DISTANCE = 8191;
    static final int HASH_LOG = 14;

    private Blosclz() {
    }

    /**
     * Decodes {@code len} bytes at {@code src[off]} into exactly {@code outLen} bytes at {@code dst[dstOff]}.
     *
     * @return the number of bytes produced, or -1 when the stream is malformed or does not fill exactly
     */
    static int decompress(byte[] src, int off, int len, byte[] dst, int dstOff, int outLen) {
        if (len <= 0) {
            return -1;
        }
        int ip = off;
        int ipEnd = off + len;
        int op = dstOff;
        int opEnd = dstOff + outLen;
        int ctrl = src[ip++] & 31;
        while (true) {
            if (ctrl >= 32) {
                int l = (ctrl >>> 5) - 1;
                int ofs = (ctrl & 31) << 8;
                if (l == 6) {
                    int code;
                    do {
                        if (ip >= ipEnd) {
                            return -1;
                        }
                        code = src[ip++] & 0xff;
                        l += code;
                    } while (code == 255);
                }
                if (ip >= ipEnd) {
                    return -1;
                }
                int code = src[ip++] & 0xff;
                long distance = ofs + code;
                if (code == 255 && ofs == (31 << 8)) {
                    if (ip + 2 > ipEnd) {
                        return -1;
                    }
                    distance = (((src[ip] & 0xff) << 8) | (src[ip + 1] & 0xff)) + MAX_DISTANCE;
                    ip += 2;
                }
                int from = (int) (op - distance - 1);
                int count = l + 3;
                if (from < dstOff || count > opEnd - op) {
                    return -1;
                }
                if (distance == 0) {
                    Arrays.fill(dst, op, op + count, dst[from]);
                } else if (distance + 1 >= count) {
                    System.arraycopy(dst, from, dst, op, count);
                } else {
                    for (int i = 0; i < count; i++) {
                        dst[op + i] = dst[from + i];
                    }
                }
                op += count;
            } else {
                int count = ctrl + 1;
                if (count > ipEnd - ip || count > opEnd - op) {
                    return -1;
                }
                System.arraycopy(src, ip, dst, op, count);
                ip += count;
                op += count;
            }
            if (ip >= ipEnd) {
                break;
            }
            ctrl = src[ip++] & 0xff;
        }
        return op == opEnd ? op - dstOff : -1;
    }

    /**
     * Encodes {@code len} bytes at {@code src[off]}; {@code table} (of {@code 1 << HASH_LOG} ints) is scratch.
     *
     * @return the encoded size, or 0 when the encoding would not be smaller than {@code maxOut} bytes
     */
    static int compress(byte[] src, int off, int len, byte[] dst, int dstOff, int maxOut, int[] table) {
        if (len < 16 || maxOut < 66) {
            return 0;
        }
        Arrays.fill(table, -1);
        int ip = off;
        int end = off + len;
        // c-blosc 1.21's decoder stops before a match that ends the stream: keep at least 4 trailing literals
        int matchEnd = end - 4;
        int op = dstOff;
        int opLimit = dstOff + maxOut;
        int anchor = ip; // first byte not yet emitted
        ip++;
        while (ip + 3 <= matchEnd) {
            int h = hash(src, ip);
            int ref = table[h];
            table[h] = ip;
            int distance = ip - ref;
            if (ref < off || distance > MAX_DISTANCE || src[ref] != src[ip] || src[ref + 1] != src[ip + 1]
                    || src[ref + 2] != src[ip + 2]) {
                ip++;
                continue;
            }
            int mlen = 3;
            while (ip + mlen < matchEnd && src[ref + mlen] == src[ip + mlen]) {
                mlen++;
            }
            // literals before the match
            op = literals(src, anchor, ip - anchor, dst, op, opLimit);
            if (op < 0 || op + 3 + mlen / 255 + 1 > opLimit) {
                return 0;
            }
            int d = distance - 1;
            int l = mlen - 2;
            if (l < 7) {
                dst[op++] = (byte) ((l << 5) + (d >>> 8));
            } else {
                dst[op++] = (byte) ((7 << 5) + (d >>> 8));
                int rest = l - 7;
                for (; rest >= 255; rest -= 255) {
                    dst[op++] = (byte) 255;
                }
                dst[op++] = (byte) rest;
            }
            dst[op++] = (byte) d;
            ip += mlen;
            anchor = ip;
            if (ip + 3 <= matchEnd) {
                table[hash(src, ip - 1)] = ip - 1;
            }
        }
        op = literals(src, anchor, end - anchor, dst, op, opLimit);
        if (op < 0 || op >= opLimit) {
            return 0;
        }
        // the decoder reads the first control byte's low 5 bits only; c-blosc sets bit 5 as a marker
        dst[dstOff] |= (byte) (1 << 5);
        return op - dstOff;
    }

    private static int literals(byte[] src, int from, int count, byte[] dst, int op, int opLimit) {
        while (count > 0) {
            int run = Math.min(count, MAX_COPY);
            if (op + run + 1 > opLimit) {
                return -1;
            }
            dst[op++] = (byte) (run - 1);
            System.arraycopy(src, from, dst, op, run);
            op += run;
            from += run;
            count -= run;
        }
        return op;
    }

    private static int hash(byte[] b, int p) {
        int v = (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16;
        return (v * 0x9E3779B1) >>> (32 - HASH_LOG);
    }
}
