/*
 * Shuffle kernels for ngff-engine, called from Java through java.lang.foreign (dev.ngff.codecs.kernels.NativeKernels).
 * Layouts are those of c-blosc 1.x (see ShuffleKernels.java). GCC's target_clones builds each hot loop for
 * AVX-512BW, AVX2 and baseline x86-64, and picks one at load time from the CPU (an ifunc resolver).
 */
#include <stdint.h>
#include <string.h>
#include <immintrin.h>

#define CLONES __attribute__((target_clones("arch=skylake-avx512", "avx2", "default")))

int ngff_kernels_version(void) { return 2; }


CLONES void ngff_shuffle_n(const uint8_t *restrict src, uint8_t *restrict dst, int64_t n, int ts) {
    switch (ts) {
    case 2:
        for (int64_t i = 0; i < n; i++) { dst[i] = src[2 * i]; dst[n + i] = src[2 * i + 1]; }
        break;
    case 4:
        for (int64_t i = 0; i < n; i++) {
            dst[i] = src[4 * i]; dst[n + i] = src[4 * i + 1];
            dst[2 * n + i] = src[4 * i + 2]; dst[3 * n + i] = src[4 * i + 3];
        }
        break;
    case 8:
        for (int64_t i = 0; i < n; i++) {
            for (int j = 0; j < 8; j++) dst[j * n + i] = src[8 * i + j];
        }
        break;
    default:
        for (int j = 0; j < ts; j++) {
            for (int64_t i = 0; i < n; i++) dst[j * n + i] = src[i * ts + j];
        }
    }
}

CLONES void ngff_unshuffle_n(const uint8_t *restrict src, uint8_t *restrict dst, int64_t n, int ts) {
    switch (ts) {
    case 2:
        for (int64_t i = 0; i < n; i++) { dst[2 * i] = src[i]; dst[2 * i + 1] = src[n + i]; }
        break;
    case 4:
        for (int64_t i = 0; i < n; i++) {
            dst[4 * i] = src[i]; dst[4 * i + 1] = src[n + i];
            dst[4 * i + 2] = src[2 * n + i]; dst[4 * i + 3] = src[3 * n + i];
        }
        break;
    case 8:
        for (int64_t i = 0; i < n; i++) {
            for (int j = 0; j < 8; j++) dst[8 * i + j] = src[j * n + i];
        }
        break;
    default:
        for (int j = 0; j < ts; j++) {
            for (int64_t i = 0; i < n; i++) dst[i * ts + j] = src[j * n + i];
        }
    }
}

#include <emmintrin.h>

/*
 * 16 eight-byte elements to 8 planes of 16 bytes (plane j at dst + j * stride), in SSE2 (baseline x86-64):
 * byte j of two elements side by side as word j, then an 8x8 transpose of words (three rounds of unpacks).
 */
static inline void planes8_sse2(const uint8_t *src, uint8_t *dst, int64_t stride) {
    __m128i a[8], b[8], c[8];
    for (int k = 0; k < 8; k++) {
        __m128i x = _mm_loadu_si128((const __m128i *) (src + 16 * k));
        a[k] = _mm_unpacklo_epi8(x, _mm_srli_si128(x, 8));
    }
    for (int k = 0; k < 4; k++) {
        b[2 * k] = _mm_unpacklo_epi16(a[2 * k], a[2 * k + 1]);
        b[2 * k + 1] = _mm_unpackhi_epi16(a[2 * k], a[2 * k + 1]);
    }
    for (int h = 0; h < 2; h++) {
        /* b[4h..4h+3] hold elements 8h..8h+7: pair up their words 0..3 (b even) and 4..7 (b odd) */
        c[4 * h] = _mm_unpacklo_epi32(b[4 * h], b[4 * h + 2]);
        c[4 * h + 1] = _mm_unpackhi_epi32(b[4 * h], b[4 * h + 2]);
        c[4 * h + 2] = _mm_unpacklo_epi32(b[4 * h + 1], b[4 * h + 3]);
        c[4 * h + 3] = _mm_unpackhi_epi32(b[4 * h + 1], b[4 * h + 3]);
    }
    for (int q = 0; q < 4; q++) {
        _mm_storeu_si128((__m128i *) (dst + (2 * q) * stride), _mm_unpacklo_epi64(c[q], c[4 + q]));
        _mm_storeu_si128((__m128i *) (dst + (2 * q + 1) * stride), _mm_unpackhi_epi64(c[q], c[4 + q]));
    }
}

static int cpu_isa(void);
static int64_t shuffle8_avx512(const uint8_t *restrict src, uint8_t *restrict dst, int64_t n);

/* Byte shuffle of `length` bytes of `ts`-byte elements; trailing bytes copied. */
void ngff_shuffle(const uint8_t *src, uint8_t *dst, int64_t length, int32_t ts) {
    int64_t n = length / ts;
    if (ts <= 1 || n == 0) { memcpy(dst, src, (size_t) length); return; }
    if (ts == 8) {
        /* GCC does not vectorise the 8-byte loop above (7 GB/s against 40 for the others at 2 MiB) */
        int64_t done = 0;
        if (cpu_isa() == 2) {
            done = shuffle8_avx512(src, dst, n);
        } else {
            for (; done + 16 <= n; done += 16) planes8_sse2(src + 8 * done, dst + done, n);
        }
        for (int j = 0; j < 8; j++) {
            for (int64_t i = done; i < n; i++) dst[j * n + i] = src[8 * i + j];
        }
    } else {
        ngff_shuffle_n(src, dst, n, ts);
    }
    memcpy(dst + n * ts, src + n * ts, (size_t) (length - n * ts));
}

void ngff_unshuffle(const uint8_t *src, uint8_t *dst, int64_t length, int32_t ts) {
    int64_t n = length / ts;
    if (ts <= 1 || n == 0) { memcpy(dst, src, (size_t) length); return; }
    ngff_unshuffle_n(src, dst, n, ts);
    memcpy(dst + n * ts, src + n * ts, (size_t) (length - n * ts));
}

/*
 * Bit shuffle in the bitshuffle library's layout (bshuf_trans_bit_elem, used by c-blosc 1.x): of the first
 * m = n - n % 8 elements, bit k of byte j of element i goes to bit i % 8 of byte i / 8 of "bit row" 8j + k,
 * each row m / 8 bytes long; the bytes after those elements are copied unchanged.
 *
 * Rows are separable by columns: elements i0..i0+t-1 only touch bytes i0/8..(i0+t)/8 of every row. So the
 * work goes in tiles of t elements that fit in L1: byte-transpose the tile into planes (one per byte of the
 * element), then turn each plane's bits into row bytes with the SIMD "movemask" trick (the sign bits of 16,
 * 32 or 64 bytes in one instruction, then every byte doubled to bring the next bit up). Unshuffling runs
 * the same steps backwards. Each instruction set gets its own copy of the driver (BITSHUFFLE_DRIVERS below)
 * and an ifunc resolver picks one when the library loads.
 */

#ifndef TILE_BYTES
#define TILE_BYTES 16384
#endif

static inline uint64_t load64(const uint8_t *p) { uint64_t x; memcpy(&x, p, 8); return x; }
static inline void store64(uint8_t *p, uint64_t x) { memcpy(p, &x, 8); }
static inline void store32(uint8_t *p, uint32_t x) { memcpy(p, &x, 4); }
static inline void store16(uint8_t *p, uint16_t x) { memcpy(p, &x, 2); }

/* Transposes an 8x8 bit matrix held in a word: bit 8r + c moves to bit 8c + r (three rounds of swaps). */
static inline uint64_t transpose8x8(uint64_t x) {
    uint64_t t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAULL;
    x = x ^ t ^ (t << 7);
    t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCULL;
    x = x ^ t ^ (t << 14);
    t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ULL;
    return x ^ t ^ (t << 28);
}

/* Plane bytes [0, cols) to 8 rows (row k at rows + k * stride), from column group g0 on; cols % 8 == 0. */
static inline void bits_fwd_scalar(const uint8_t *plane, uint8_t *rows, int64_t stride, int64_t g0, int64_t cols) {
    for (int64_t g = g0; g < cols / 8; g++) {
        uint64_t y = transpose8x8(load64(plane + 8 * g));
        for (int k = 0; k < 8; k++) rows[k * stride + g] = (uint8_t) (y >> (8 * k));
    }
}

static inline void bits_inv_scalar(const uint8_t *rows, int64_t stride, uint8_t *plane, int64_t g0, int64_t cols) {
    for (int64_t g = g0; g < cols / 8; g++) {
        uint64_t x = 0;
        for (int k = 0; k < 8; k++) x |= (uint64_t) rows[k * stride + g] << (8 * k);
        store64(plane + 8 * g, transpose8x8(x));
    }
}

__attribute__((target("sse2")))
static inline void bits_fwd_sse2(const uint8_t *plane, uint8_t *rows, int64_t stride, int64_t cols) {
    int64_t i = 0;
    for (; i + 16 <= cols; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *) (plane + i));
        for (int k = 7; k >= 0; k--) {
            store16(rows + k * stride + i / 8, (uint16_t) _mm_movemask_epi8(v));
            v = _mm_add_epi8(v, v);
        }
    }
    bits_fwd_scalar(plane, rows, stride, i / 8, cols);
}

/* The 8x8 bit-matrix transpose of transpose8x8 in each 64-bit lane. */
__attribute__((target("sse2")))
static inline __m128i transpose8x8_sse2(__m128i x) {
    __m128i t = _mm_and_si128(_mm_xor_si128(x, _mm_srli_epi64(x, 7)), _mm_set1_epi64x(0x00AA00AA00AA00AALL));
    x = _mm_xor_si128(_mm_xor_si128(x, t), _mm_slli_epi64(t, 7));
    t = _mm_and_si128(_mm_xor_si128(x, _mm_srli_epi64(x, 14)), _mm_set1_epi64x(0x0000CCCC0000CCCCLL));
    x = _mm_xor_si128(_mm_xor_si128(x, t), _mm_slli_epi64(t, 14));
    t = _mm_and_si128(_mm_xor_si128(x, _mm_srli_epi64(x, 28)), _mm_set1_epi64x(0x00000000F0F0F0F0LL));
    return _mm_xor_si128(_mm_xor_si128(x, t), _mm_slli_epi64(t, 28));
}

/*
 * Rows back to a plane without a mask-to-bytes instruction: 16 bytes of each of the 8 rows are transposed as
 * bytes (three rounds of unpacks) into 16 words, word g holding byte g of rows 0..7; the bit transpose of that
 * word is plane bytes 8g..8g+7.
 */
__attribute__((target("sse2")))
static inline void bits_inv_sse2(const uint8_t *rows, int64_t stride, uint8_t *plane, int64_t cols) {
    int64_t i = 0;
    for (; i + 128 <= cols; i += 128) {
        const uint8_t *r = rows + i / 8;
        __m128i r0 = _mm_loadu_si128((const __m128i *) r);
        __m128i r1 = _mm_loadu_si128((const __m128i *) (r + stride));
        __m128i r2 = _mm_loadu_si128((const __m128i *) (r + 2 * stride));
        __m128i r3 = _mm_loadu_si128((const __m128i *) (r + 3 * stride));
        __m128i r4 = _mm_loadu_si128((const __m128i *) (r + 4 * stride));
        __m128i r5 = _mm_loadu_si128((const __m128i *) (r + 5 * stride));
        __m128i r6 = _mm_loadu_si128((const __m128i *) (r + 6 * stride));
        __m128i r7 = _mm_loadu_si128((const __m128i *) (r + 7 * stride));
        /* pairs of rows, byte g of each side by side: groups 0..7 in a*0, 8..15 in a*1 */
        __m128i a0 = _mm_unpacklo_epi8(r0, r1), a1 = _mm_unpackhi_epi8(r0, r1);
        __m128i b0 = _mm_unpacklo_epi8(r2, r3), b1 = _mm_unpackhi_epi8(r2, r3);
        __m128i c0 = _mm_unpacklo_epi8(r4, r5), c1 = _mm_unpackhi_epi8(r4, r5);
        __m128i d0 = _mm_unpacklo_epi8(r6, r7), d1 = _mm_unpackhi_epi8(r6, r7);
        /* rows 0..3 and 4..7 of four groups each */
        __m128i ab[4] = {_mm_unpacklo_epi16(a0, b0), _mm_unpackhi_epi16(a0, b0),
                         _mm_unpacklo_epi16(a1, b1), _mm_unpackhi_epi16(a1, b1)};
        __m128i cd[4] = {_mm_unpacklo_epi16(c0, d0), _mm_unpackhi_epi16(c0, d0),
                         _mm_unpacklo_epi16(c1, d1), _mm_unpackhi_epi16(c1, d1)};
        for (int q = 0; q < 4; q++) {
            __m128i lo = _mm_unpacklo_epi32(ab[q], cd[q]), hi = _mm_unpackhi_epi32(ab[q], cd[q]);
            _mm_storeu_si128((__m128i *) (plane + i + 32 * q), transpose8x8_sse2(lo));
            _mm_storeu_si128((__m128i *) (plane + i + 32 * q + 16), transpose8x8_sse2(hi));
        }
    }
    bits_inv_scalar(rows, stride, plane, i / 8, cols);
}

__attribute__((target("avx2")))
static inline void bits_fwd_avx2(const uint8_t *plane, uint8_t *rows, int64_t stride, int64_t cols) {
    int64_t i = 0;
    for (; i + 32 <= cols; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *) (plane + i));
        for (int k = 7; k >= 0; k--) {
            store32(rows + k * stride + i / 8, (uint32_t) _mm256_movemask_epi8(v));
            v = _mm256_add_epi8(v, v);
        }
    }
    bits_fwd_scalar(plane, rows, stride, i / 8, cols);
}

/*
 * (Measured against bits_inv_sse2 compiled for AVX2: 9.2 against 8.6 GB/s at 2 MiB, so AVX2 keeps this.)
 * The inverse of movemask: broadcast row k's 32 bits, give byte b the mask byte b / 8, keep bit b % 8, and
 * compare to get 0 or -1 per byte. Rows go from bit 7 down, doubling the sum each time.
 */
__attribute__((target("avx2")))
static inline void bits_inv_avx2(const uint8_t *rows, int64_t stride, uint8_t *plane, int64_t cols) {
    const __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                            2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i bit = _mm256_set1_epi64x((long long) 0x8040201008040201ULL);
    int64_t i = 0;
    for (; i + 32 <= cols; i += 32) {
        __m256i acc = _mm256_setzero_si256();
        for (int k = 7; k >= 0; k--) {
            uint32_t r;
            memcpy(&r, rows + k * stride + i / 8, 4);
            __m256i m = _mm256_shuffle_epi8(_mm256_set1_epi32((int) r), spread);
            m = _mm256_cmpeq_epi8(_mm256_and_si256(m, bit), bit);
            acc = _mm256_sub_epi8(_mm256_add_epi8(acc, acc), m);
        }
        _mm256_storeu_si256((__m256i *) (plane + i), acc);
    }
    bits_inv_scalar(rows, stride, plane, i / 8, cols);
}

__attribute__((target("avx512f,avx512bw")))
static inline void bits_fwd_avx512(const uint8_t *plane, uint8_t *rows, int64_t stride, int64_t cols) {
    int64_t i = 0;
    for (; i + 64 <= cols; i += 64) {
        __m512i v = _mm512_loadu_si512((const void *) (plane + i));
        for (int k = 7; k >= 0; k--) {
            store64(rows + k * stride + i / 8, (uint64_t) _mm512_movepi8_mask(v));
            v = _mm512_add_epi8(v, v);
        }
    }
    bits_fwd_scalar(plane, rows, stride, i / 8, cols);
}

__attribute__((target("avx512f,avx512bw")))
static inline void bits_inv_avx512(const uint8_t *rows, int64_t stride, uint8_t *plane, int64_t cols) {
    int64_t i = 0;
    for (; i + 64 <= cols; i += 64) {
        __m512i acc = _mm512_setzero_si512();
        for (int k = 0; k < 8; k++) {
            __mmask64 m = (__mmask64) load64(rows + k * stride + i / 8);
            acc = _mm512_mask_add_epi8(acc, m, acc, _mm512_set1_epi8((char) (1 << k)));
        }
        _mm512_storeu_si512((void *) (plane + i), acc);
    }
    bits_inv_scalar(rows, stride, plane, i / 8, cols);
}

/* Byte transposes of t elements to or from planes of t bytes; inlined into each driver, so vectorised for its ISA. */
static inline __attribute__((always_inline)) void planes_from_elems(const uint8_t *restrict src, uint8_t *restrict dst,
                                                                    int64_t t, int ts) {
    switch (ts) {
    case 2:
        for (int64_t i = 0; i < t; i++) { dst[i] = src[2 * i]; dst[t + i] = src[2 * i + 1]; }
        break;
    case 4:
        for (int64_t i = 0; i < t; i++) {
            dst[i] = src[4 * i]; dst[t + i] = src[4 * i + 1];
            dst[2 * t + i] = src[4 * i + 2]; dst[3 * t + i] = src[4 * i + 3];
        }
        break;
    case 8:
        for (int64_t i = 0; i < t; i++) {
            for (int j = 0; j < 8; j++) dst[j * t + i] = src[8 * i + j];
        }
        break;
    default:
        for (int j = 0; j < ts; j++) {
            for (int64_t i = 0; i < t; i++) dst[j * t + i] = src[i * ts + j];
        }
    }
}

static inline __attribute__((always_inline)) void elems_from_planes(const uint8_t *restrict src, uint8_t *restrict dst,
                                                                    int64_t t, int ts) {
    switch (ts) {
    case 2:
        for (int64_t i = 0; i < t; i++) { dst[2 * i] = src[i]; dst[2 * i + 1] = src[t + i]; }
        break;
    case 4:
        for (int64_t i = 0; i < t; i++) {
            dst[4 * i] = src[i]; dst[4 * i + 1] = src[t + i];
            dst[4 * i + 2] = src[2 * t + i]; dst[4 * i + 3] = src[3 * t + i];
        }
        break;
    case 8:
        for (int64_t i = 0; i < t; i++) {
            for (int j = 0; j < 8; j++) dst[8 * i + j] = src[j * t + i];
        }
        break;
    default:
        for (int j = 0; j < ts; j++) {
            for (int64_t i = 0; i < t; i++) dst[i * ts + j] = src[j * t + i];
        }
    }
}

/* planes_from_elems for 8-byte elements, 16 at a time in SSE2 (GCC leaves the plain loop scalar). */
static inline __attribute__((always_inline)) void planes8_tile(const uint8_t *restrict src, uint8_t *restrict dst,
                                                               int64_t t) {
    int64_t i = 0;
    for (; i + 16 <= t; i += 16) planes8_sse2(src + 8 * i, dst + i, t);
    for (int j = 0; j < 8; j++) {
        for (int64_t e = i; e < t; e++) dst[j * t + e] = src[8 * e + j];
    }
}

/* Elements per tile: the tile's planes fit TILE_BYTES, a multiple of 64 when it can be (whole vectors). */
static int64_t tile_elems(int ts) {
    int64_t t = TILE_BYTES / ts;
    return t >= 64 ? t & ~(int64_t) 63 : t & ~(int64_t) 7;
}

/* Element sizes too large for a tile of 8 elements: one plane at a time, 8 strided bytes per word. */
static void bitshuffle_wide(const uint8_t *src, uint8_t *dst, int64_t m, int ts) {
    int64_t stride = m / 8;
    for (int j = 0; j < ts; j++) {
        uint8_t *rows = dst + 8 * (int64_t) j * stride;
        for (int64_t g = 0; g < stride; g++) {
            uint64_t x = 0;
            for (int e = 0; e < 8; e++) x |= (uint64_t) src[(8 * g + e) * ts + j] << (8 * e);
            uint64_t y = transpose8x8(x);
            for (int k = 0; k < 8; k++) rows[k * stride + g] = (uint8_t) (y >> (8 * k));
        }
    }
}

static void bitunshuffle_wide(const uint8_t *src, uint8_t *dst, int64_t m, int ts) {
    int64_t stride = m / 8;
    for (int j = 0; j < ts; j++) {
        const uint8_t *rows = src + 8 * (int64_t) j * stride;
        for (int64_t g = 0; g < stride; g++) {
            uint64_t x = 0;
            for (int k = 0; k < 8; k++) x |= (uint64_t) rows[k * stride + g] << (8 * k);
            uint64_t y = transpose8x8(x);
            for (int e = 0; e < 8; e++) dst[(8 * g + e) * ts + j] = (uint8_t) (y >> (8 * e));
        }
    }
}

/* Tile drivers for elements [i_start, m); rows are m / 8 bytes apart. */
#define BITSHUFFLE_TILES(isa, target_spec)                                                                     \
    __attribute__((target(target_spec)))                                                                       \
    static void bitshuffle_tiles_##isa(const uint8_t *restrict src, uint8_t *restrict dst, int64_t m, int ts,  \
                                       int64_t i_start) {                                                      \
        if (8 * (int64_t) ts > TILE_BYTES) { bitshuffle_wide(src, dst, m, ts); return; }                       \
        _Alignas(64) uint8_t tile[TILE_BYTES];                                                                 \
        int64_t stride = m / 8, per = tile_elems(ts);                                                          \
        for (int64_t i0 = i_start; i0 < m; i0 += per) {                                                        \
            int64_t t = m - i0 < per ? m - i0 : per;                                                           \
            const uint8_t *planes = src + i0 * ts;                                                             \
            if (ts == 8) { planes8_tile(src + i0 * ts, tile, t); planes = tile; }                              \
            else if (ts > 1) { planes_from_elems(src + i0 * ts, tile, t, ts); planes = tile; }                 \
            for (int j = 0; j < ts; j++) {                                                                     \
                bits_fwd_##isa(planes + j * t, dst + 8 * (int64_t) j * stride + i0 / 8, stride, t);            \
            }                                                                                                  \
        }                                                                                                      \
    }                                                                                                          \
    __attribute__((target(target_spec)))                                                                       \
    static void bitunshuffle_tiles_##isa(const uint8_t *restrict src, uint8_t *restrict dst, int64_t m, int ts,\
                                         int64_t i_start) {                                                    \
        if (8 * (int64_t) ts > TILE_BYTES) { bitunshuffle_wide(src, dst, m, ts); return; }                     \
        _Alignas(64) uint8_t tile[TILE_BYTES];                                                                 \
        int64_t stride = m / 8, per = tile_elems(ts);                                                          \
        for (int64_t i0 = i_start; i0 < m; i0 += per) {                                                        \
            int64_t t = m - i0 < per ? m - i0 : per;                                                           \
            uint8_t *planes = ts > 1 ? tile : dst + i0;                                                        \
            for (int j = 0; j < ts; j++) {                                                                     \
                bits_inv_##isa(src + 8 * (int64_t) j * stride + i0 / 8, stride, planes + j * t, t);            \
            }                                                                                                  \
            if (ts > 1) elems_from_planes(tile, dst + i0 * ts, t, ts);                                         \
        }                                                                                                      \
    }

BITSHUFFLE_TILES(sse2, "sse2")
BITSHUFFLE_TILES(avx2, "avx2")
BITSHUFFLE_TILES(avx512, "avx512f,avx512bw")

static void bitshuffle_sse2(const uint8_t *restrict src, uint8_t *restrict dst, int64_t m, int ts) {
    bitshuffle_tiles_sse2(src, dst, m, ts, 0);
}
static void bitunshuffle_sse2(const uint8_t *restrict src, uint8_t *restrict dst, int64_t m, int ts) {
    bitunshuffle_tiles_sse2(src, dst, m, ts, 0);
}
static void bitshuffle_avx2(const uint8_t *restrict src, uint8_t *restrict dst, int64_t m, int ts) {
    bitshuffle_tiles_avx2(src, dst, m, ts, 0);
}
static void bitunshuffle_avx2(const uint8_t *restrict src, uint8_t *restrict dst, int64_t m, int ts) {
    bitunshuffle_tiles_avx2(src, dst, m, ts, 0);
}

/*
 * AVX-512 for 2-, 4- and 8-byte elements: 64 elements at a time with the byte transpose in registers. A
 * byte shuffle inside each 128-bit lane groups the bytes of the lane's elements by byte index; cross-lane
 * permutes then gather each byte index into one 64-byte plane vector, in element order.
 */
#define AVX512 __attribute__((target("avx512f,avx512bw"))) static inline

/* Lane shuffle giving qword 0 the low and qword 1 the high bytes of 8 two-byte elements, and its inverse
 * (which also pairs byte j of two 8-byte elements into word j). */
AVX512 __m512i lane_split2(void) {
    return _mm512_broadcast_i32x4(_mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15));
}
AVX512 __m512i lane_join2(void) {
    return _mm512_broadcast_i32x4(_mm_setr_epi8(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
}
/* The 4x4 byte transpose of 4 four-byte elements; it is its own inverse. */
AVX512 __m512i lane_split4(void) {
    return _mm512_broadcast_i32x4(_mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
}

AVX512 void elems2(const __m512i p[2], uint8_t *dst) {
    __m512i a = _mm512_permutex2var_epi64(p[0], _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), p[1]);
    __m512i b = _mm512_permutex2var_epi64(p[0], _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15), p[1]);
    _mm512_storeu_si512((void *) dst, _mm512_shuffle_epi8(a, lane_join2()));
    _mm512_storeu_si512((void *) (dst + 64), _mm512_shuffle_epi8(b, lane_join2()));
}

AVX512 void elems4(const __m512i p[4], uint8_t *dst) {
    __m512i t01a = _mm512_shuffle_i64x2(p[0], p[1], 0x44), t23a = _mm512_shuffle_i64x2(p[0], p[1], 0xEE);
    __m512i t01b = _mm512_shuffle_i64x2(p[2], p[3], 0x44), t23b = _mm512_shuffle_i64x2(p[2], p[3], 0xEE);
    /* lane L of the first vector of a pair: planes 0..3 of elements 4L..; the second: elements 16 + 4L.. */
    const __m512i first = _mm512_setr_epi32(0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27);
    const __m512i second = _mm512_setr_epi32(4, 12, 20, 28, 5, 13, 21, 29, 6, 14, 22, 30, 7, 15, 23, 31);
    __m512i v[4] = {_mm512_permutex2var_epi32(t01a, first, t01b), _mm512_permutex2var_epi32(t01a, second, t01b),
                    _mm512_permutex2var_epi32(t23a, first, t23b), _mm512_permutex2var_epi32(t23a, second, t23b)};
    for (int q = 0; q < 4; q++) _mm512_storeu_si512((void *) (dst + 64 * q), _mm512_shuffle_epi8(v[q], lane_split4()));
}

/* Out chunk (128-bit) q of vector j = in chunk j of vector q, for vectors 0..3: a 4x4 transpose of chunks. */
AVX512 void chunks4x4(const __m512i in[4], __m512i out[4]) {
    __m512i x = _mm512_shuffle_i64x2(in[0], in[1], 0x88), y = _mm512_shuffle_i64x2(in[0], in[1], 0xDD);
    __m512i z = _mm512_shuffle_i64x2(in[2], in[3], 0x88), w = _mm512_shuffle_i64x2(in[2], in[3], 0xDD);
    out[0] = _mm512_shuffle_i64x2(x, z, 0x88);
    out[1] = _mm512_shuffle_i64x2(y, w, 0x88);
    out[2] = _mm512_shuffle_i64x2(x, z, 0xDD);
    out[3] = _mm512_shuffle_i64x2(y, w, 0xDD);
}

/* Word index tables for 8-byte elements: lane r (0..7) of a vector pair holds elements 2r, 2r + 1. */
AVX512 __m512i gather8(int first_plane) {
    _Alignas(64) uint16_t idx[32];
    for (int w = 0; w < 32; w++) {
        int j = first_plane + w / 8, r = w % 8;
        idx[w] = (uint16_t) ((r < 4 ? 0 : 32) + (r % 4) * 8 + j);
    }
    return _mm512_load_si512((const void *) idx);
}
AVX512 __m512i scatter8(int second) {
    _Alignas(64) uint16_t idx[32];
    for (int w = 0; w < 32; w++) {
        int lane = w / 8, j = w % 8, r = lane + 4 * second;
        idx[w] = (uint16_t) (j < 4 ? j * 8 + r : 32 + (j - 4) * 8 + r);
    }
    return _mm512_load_si512((const void *) idx);
}

AVX512 void planes8(const uint8_t *src, __m512i p[8], const __m512i tab[2]) {
    __m512i t[8];
    for (int q = 0; q < 4; q++) {
        __m512i a = _mm512_shuffle_epi8(_mm512_loadu_si512((const void *) (src + 128 * q)), lane_join2());
        __m512i b = _mm512_shuffle_epi8(_mm512_loadu_si512((const void *) (src + 128 * q + 64)), lane_join2());
        t[q] = _mm512_permutex2var_epi16(a, tab[0], b);     /* planes 0..3 of elements 16q.. */
        t[4 + q] = _mm512_permutex2var_epi16(a, tab[1], b); /* planes 4..7 */
    }
    chunks4x4(t, p);
    chunks4x4(t + 4, p + 4);
}

AVX512 void elems8(const __m512i p[8], uint8_t *dst, const __m512i tab[2]) {
    __m512i t[8];
    chunks4x4(p, t);
    chunks4x4(p + 4, t + 4);
    for (int q = 0; q < 4; q++) {
        __m512i a = _mm512_permutex2var_epi16(t[q], tab[0], t[4 + q]);
        __m512i b = _mm512_permutex2var_epi16(t[q], tab[1], t[4 + q]);
        _mm512_storeu_si512((void *) (dst + 128 * q), _mm512_shuffle_epi8(a, lane_split2()));
        _mm512_storeu_si512((void *) (dst + 128 * q + 64), _mm512_shuffle_epi8(b, lane_split2()));
    }
}

/* 8-byte elements to 8 planes of n bytes, 64 elements at a time; returns the elements done. */
__attribute__((target("avx512f,avx512bw")))
static int64_t shuffle8_avx512(const uint8_t *restrict src, uint8_t *restrict dst, int64_t n) {
    const __m512i tab[2] = {gather8(0), gather8(4)};
    __m512i p[8];
    int64_t i = 0;
    for (; i + 64 <= n; i += 64) {
        planes8(src + 8 * i, p, tab);
        for (int j = 0; j < 8; j++) _mm512_storeu_si512((void *) (dst + j * n + i), p[j]);
    }
    return i;
}

/*
 * Rows are m / 8 bytes apart: with power-of-two sizes every row of a plane maps to the same L1 set, so the
 * rows are written (and read) in runs of a tile's t / 8 bytes, never 8 bytes per row in turn.
 */
/* Measured: for 2- and 4-byte elements GCC's own vectorisation of planes_from_elems beats planes2/planes4
 * going forwards (24 against 19 GB/s at 2 MiB), so only 8-byte elements take the register transpose there. */
__attribute__((target("avx512f,avx512bw")))
static void bitshuffle_avx512(const uint8_t *restrict src, uint8_t *restrict dst, int64_t m, int ts) {
    if (ts != 8) { bitshuffle_tiles_avx512(src, dst, m, ts, 0); return; }
    _Alignas(64) uint8_t tile[TILE_BYTES];
    int64_t stride = m / 8, per = tile_elems(ts);
    const __m512i tab[2] = {gather8(0), gather8(4)};
    __m512i p[8];
    for (int64_t i0 = 0; i0 < m; i0 += per) {
        int64_t t = m - i0 < per ? m - i0 : per, i = 0;
        const uint8_t *s = src + i0 * ts;
        for (; i + 64 <= t; i += 64) {
            planes8(s + 8 * i, p, tab);
            for (int j = 0; j < ts; j++) _mm512_storeu_si512((void *) (tile + j * t + i), p[j]);
        }
        for (int j = 0; j < ts; j++) {
            for (int64_t e = i; e < t; e++) tile[j * t + e] = s[e * ts + j];
        }
        for (int j = 0; j < ts; j++) bits_fwd_avx512(tile + j * t, dst + 8 * (int64_t) j * stride + i0 / 8, stride, t);
    }
}

__attribute__((target("avx512f,avx512bw")))
static void bitunshuffle_avx512(const uint8_t *restrict src, uint8_t *restrict dst, int64_t m, int ts) {
    if (ts != 2 && ts != 4 && ts != 8) { bitunshuffle_tiles_avx512(src, dst, m, ts, 0); return; }
    _Alignas(64) uint8_t tile[TILE_BYTES];
    int64_t stride = m / 8, per = tile_elems(ts);
    const __m512i tab[2] = {scatter8(0), scatter8(1)};
    __m512i p[8];
    for (int64_t i0 = 0; i0 < m; i0 += per) {
        int64_t t = m - i0 < per ? m - i0 : per, i = 0;
        uint8_t *d = dst + i0 * ts;
        for (int j = 0; j < ts; j++) bits_inv_avx512(src + 8 * (int64_t) j * stride + i0 / 8, stride, tile + j * t, t);
        for (; i + 64 <= t; i += 64) {
            for (int j = 0; j < ts; j++) p[j] = _mm512_loadu_si512((const void *) (tile + j * t + i));
            if (ts == 2) elems2(p, d + 2 * i);
            else if (ts == 4) elems4(p, d + 4 * i);
            else elems8(p, d + 8 * i, tab);
        }
        for (int j = 0; j < ts; j++) {
            for (int64_t e = i; e < t; e++) d[e * ts + j] = tile[j * t + e];
        }
    }
}

typedef void (*bit_kernel)(const uint8_t *restrict, uint8_t *restrict, int64_t, int);

static int cpu_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) return 2;
    if (__builtin_cpu_supports("avx2")) return 1;
    return 0;
}

/* The instruction set this CPU runs, for reports: 2 = AVX-512BW, 1 = AVX2, 0 = baseline (SSE2). */
int ngff_kernels_isa(void) { return cpu_isa(); }

/* The kernels for an instruction set (2 AVX-512BW, 1 AVX2, 0 SSE2), or null when this CPU lacks it. */
static bit_kernel pick(int isa, int inverse) {
    if (isa < 0 || isa > cpu_isa()) return 0;
    switch (isa) {
    case 2: return inverse ? bitunshuffle_avx512 : bitshuffle_avx512;
    case 1: return inverse ? bitunshuffle_avx2 : bitshuffle_avx2;
    default: return inverse ? bitunshuffle_sse2 : bitshuffle_sse2;
    }
}

/* Run by the dynamic loader (ifunc): the widest version this CPU runs. */
static bit_kernel resolve_bitshuffle(void) { return pick(cpu_isa(), 0); }
static bit_kernel resolve_bitunshuffle(void) { return pick(cpu_isa(), 1); }
static void bitshuffle_best(const uint8_t *restrict, uint8_t *restrict, int64_t, int)
    __attribute__((ifunc("resolve_bitshuffle")));
static void bitunshuffle_best(const uint8_t *restrict, uint8_t *restrict, int64_t, int)
    __attribute__((ifunc("resolve_bitunshuffle")));

static void bit_call(bit_kernel k, const uint8_t *src, uint8_t *dst, int64_t length, int32_t ts) {
    int64_t m = (length / ts) & ~(int64_t) 7;
    if (m > 0) k(src, dst, m, ts);
    memcpy(dst + m * ts, src + m * ts, (size_t) (length - m * ts));
}

/* Bit shuffle of `length` bytes of `ts`-byte elements (layout above); src and dst must not overlap. */
void ngff_bitshuffle(const uint8_t *src, uint8_t *dst, int64_t length, int32_t ts) {
    bit_call(bitshuffle_best, src, dst, length, ts);
}

void ngff_bitunshuffle(const uint8_t *src, uint8_t *dst, int64_t length, int32_t ts) {
    bit_call(bitunshuffle_best, src, dst, length, ts);
}

/*
 * The same with an instruction set named (2, 1, 0 as ngff_kernels_isa), for tests and benchmarks that
 * compare the versions on one machine; returns -1, doing nothing, when this CPU cannot run it.
 */
int ngff_bitshuffle_isa(const uint8_t *src, uint8_t *dst, int64_t length, int32_t ts, int32_t isa) {
    bit_kernel k = pick(isa, 0);
    if (!k) return -1;
    bit_call(k, src, dst, length, ts);
    return 0;
}

int ngff_bitunshuffle_isa(const uint8_t *src, uint8_t *dst, int64_t length, int32_t ts, int32_t isa) {
    bit_kernel k = pick(isa, 1);
    if (!k) return -1;
    bit_call(k, src, dst, length, ts);
    return 0;
}
