// The single-block classifier is a header-only inline function (include/CPIMSIMD.h); this file holds the
// batch classifier, which uses AVX2 when the processor has it (checked once at run time).
#include "CPIMSIMD.h"

#if defined(__GLIBC__)
#include <malloc.h>
#include <stdlib.h>
#include <stdint.h>
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

__attribute__((target("avx2")))
static void classify_avx2(const uint8_t *p, size_t blocks, uint8_t delimiter, pim_csv_masks *out) {
    const __m256i q = _mm256_set1_epi8('"');
    const __m256i d = _mm256_set1_epi8((char)delimiter);
    const __m256i l = _mm256_set1_epi8('\n');
    const __m256i c = _mm256_set1_epi8('\r');
    const __m256i z = _mm256_setzero_si256();
    for (size_t b = 0; b < blocks; b++) {
        const uint8_t *s = p + 64 * b;
        __m256i lo = _mm256_loadu_si256((const __m256i *)s);
        __m256i hi = _mm256_loadu_si256((const __m256i *)(s + 32));
#define PIM_MASK(x) ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, x)) | \
                     ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, x)) << 32))
        out[b].quote = PIM_MASK(q);
        out[b].delimiter = PIM_MASK(d);
        out[b].lf = PIM_MASK(l);
        out[b].cr = PIM_MASK(c);
        out[b].nul = PIM_MASK(z);
#undef PIM_MASK
    }
}

__attribute__((target("avx2")))
static size_t ascii_prefix_avx2(const uint8_t *p, size_t n) {
    size_t i = 0;
    while (i + 64 <= n) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i b = _mm256_loadu_si256((const __m256i *)(p + i + 32));
        if (_mm256_movemask_epi8(_mm256_or_si256(a, b)) != 0) break;
        i += 64;
    }
    return i;
}

static int has_avx2 = -1;

static int avx2_available(void) {
    // A benign race: every thread computes the same value.
    int avx2 = __atomic_load_n(&has_avx2, __ATOMIC_RELAXED);
    if (avx2 < 0) {
        __builtin_cpu_init();
        avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&has_avx2, avx2, __ATOMIC_RELAXED);
    }
    return avx2;
}
#endif

size_t pim_ascii_prefix(const uint8_t *p, size_t n) {
    size_t i = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (avx2_available()) i = ascii_prefix_avx2(p, n);
#endif
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ULL) break;
        i += 8;
    }
    while (i < n && p[i] < 0x80) i++;
    return i;
}

void pim_csv_classify_blocks(const uint8_t *p, size_t blocks, uint8_t delimiter, pim_csv_masks *out) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (avx2_available()) {
        classify_avx2(p, blocks, delimiter, out);
        return;
    }
#endif
    for (size_t b = 0; b < blocks; b++) out[b] = pim_csv_classify64(p + 64 * b, delimiter);
}

int pim_tune_allocator_for_batch(void) {
#if defined(__GLIBC__)
    int ok = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    ok &= mallopt(M_TRIM_THRESHOLD, 0x7FFFFFFF);
    ok &= mallopt(M_TOP_PAD, 64 * 1024 * 1024);
    // One arena: memory freed by one reading thread is reused by the others.
    ok &= mallopt(M_ARENA_MAX, 1);
    return ok ? 1 : 0;
#else
    return 0;
#endif
}
