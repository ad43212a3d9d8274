#ifndef CPIMSIMD_H
#define CPIMSIMD_H

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Bit k of each mask is set when byte k of a 64-byte block is that character.
typedef struct {
    uint64_t quote;
    uint64_t delimiter;
    uint64_t lf;
    uint64_t cr;
    uint64_t nul;
} pim_csv_masks;

/// Classifies the 64 bytes at `p` (which must all be readable) for the CSV tokenizer.
static inline pim_csv_masks pim_csv_classify64(const uint8_t *p, uint8_t delimiter) {
    pim_csv_masks m = {0, 0, 0, 0, 0};
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8('"');
    const __m128i d = _mm_set1_epi8((char)delimiter);
    const __m128i l = _mm_set1_epi8('\n');
    const __m128i c = _mm_set1_epi8('\r');
    const __m128i z = _mm_setzero_si128();
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        int shift = 16 * k;
        m.quote |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, q)) << shift;
        m.delimiter |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, d)) << shift;
        m.lf |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, l)) << shift;
        m.cr |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, c)) << shift;
        m.nul |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, z)) << shift;
    }
#else
    for (int k = 0; k < 64; k++) {
        uint8_t b = p[k];
        uint64_t bit = (uint64_t)1 << k;
        if (b == '"') m.quote |= bit;
        if (b == delimiter) m.delimiter |= bit;
        if (b == '\n') m.lf |= bit;
        if (b == '\r') m.cr |= bit;
        if (b == 0) m.nul |= bit;
    }
#endif
    return m;
}

#include <stddef.h>

/// Classifies `blocks` consecutive 64-byte blocks at `p` into `out[0..<blocks]` (AVX2 when available).
void pim_csv_classify_blocks(const uint8_t *p, size_t blocks, uint8_t delimiter, pim_csv_masks *out);

/// Tunes glibc's allocator for a short batch job that allocates and frees large arrays: arrays up to
/// 32 MiB come from the heap and freed memory is kept for reuse (not returned to the system at once),
/// so later arrays do not fault fresh pages in. Does nothing elsewhere. Returns 1 when applied.
int pim_tune_allocator_for_batch(void);

/// Asks the processor to fetch the cache line holding `p` (a hint: it never faults, and the caller goes
/// on without waiting), so that the cache misses of a batch of hash-table probes overlap.
static inline void pim_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/// The length of the longest prefix of `p[0..<n]` whose bytes are all ASCII (below 0x80).
size_t pim_ascii_prefix(const uint8_t *p, size_t n);

#endif
