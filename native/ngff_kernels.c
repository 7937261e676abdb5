/*
 * Shuffle kernels for ngff-engine, called from Java through java.lang.foreign (dev.ngff.codecs.kernels.NativeKernels).
 * Layouts are those of c-blosc 1.x (see ShuffleKernels.java). GCC's target_clones builds each hot loop for
 * AVX-512BW, AVX2 and baseline x86-64, and picks one at load time from the CPU (an ifunc resolver).
 */
#include <stdint.h>
#include <string.h>

#define CLONES __attribute__((target_clones("arch=skylake-avx512", "avx2", "default")))

int ngff_kernels_version(void) { return 1; }

/* Which clone the loader picked, for reports: 2 = AVX-512BW, 1 = AVX2, 0 = baseline. */
int ngff_kernels_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512bw")) return 2;
    if (__builtin_cpu_supports("avx2")) return 1;
    return 0;
}

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

/* Byte shuffle of `length` bytes of `ts`-byte elements; trailing bytes copied. */
void ngff_shuffle(const uint8_t *src, uint8_t *dst, int64_t length, int32_t ts) {
    int64_t n = length / ts;
    if (ts <= 1 || n == 0) { memcpy(dst, src, (size_t) length); return; }
    ngff_shuffle_n(src, dst, n, ts);
    memcpy(dst + n * ts, src + n * ts, (size_t) (length - n * ts));
}

void ngff_unshuffle(const uint8_t *src, uint8_t *dst, int64_t length, int32_t ts) {
    int64_t n = length / ts;
    if (ts <= 1 || n == 0) { memcpy(dst, src, (size_t) length); return; }
    ngff_unshuffle_n(src, dst, n, ts);
    memcpy(dst + n * ts, src + n * ts, (size_t) (length - n * ts));
}
