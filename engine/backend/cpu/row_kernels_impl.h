// The kernel sets behind row_kernels(); internal to the CPU backend.
#pragma once

#include <array>
#include <cstdint>

#include "row_kernels.h"

namespace hearth::cpu {
// Decode's dot products read each weight row from memory once. The hardware prefetchers stop at
// 4 KB page boundaries and run too few lines ahead for two cores to keep memory busy, so the SIMD
// kernels also ask for the line this far ahead of the one they read (past a row's end, the next
// row, which the next call reads). On a Xeon it took Q8_0 on two threads from 14 to 24 GB/s; MXFP4,
// whose 2 KB had been tuned on a Zen 4, streams as fast at 4 KB there, within the machine's noise.
inline constexpr std::size_t prefetch_distance = 4096;
inline void prefetch_ahead(const std::byte* reading) {
    // An address, not a pointer: past a weight's end it need not point into anything.
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(reading) +
                                                     prefetch_distance));
}

// 2^(e-128) by MXFP4 scale byte e: the SIMD kernels multiply doubled E2M1 codes (integers, exact
// in int8) by half the block scale.
const std::array<float, 256>& mxfp4_half_scales();
} // namespace hearth::cpu

namespace hearth::cpu::portable {
float dot_f32(const float* a, const float* b, std::size_t n);
void decode_f32(RowView row, float* out, std::size_t n);
void decode_f16(RowView row, float* out, std::size_t n);
void decode_bf16(RowView row, float* out, std::size_t n);
void decode_q8_0(RowView row, float* out, std::size_t n);
void decode_mxfp4_gguf(RowView row, float* out, std::size_t n);
void decode_mxfp4_checkpoint(RowView row, float* out, std::size_t n);
float dot_row_f32(RowView row, const float* x, std::size_t n);
float dot_f16(RowView row, const float* x, std::size_t n);
float dot_bf16(RowView row, const float* x, std::size_t n);
float dot_q8_0(RowView row, const float* x, std::size_t n);
float dot_mxfp4_gguf(RowView row, const float* x, std::size_t n);
float dot_mxfp4_checkpoint(RowView row, const float* x, std::size_t n);
float exponentiate_scores(float* scores, std::size_t n, float max_score);
void add_weighted_rows(const float* weights, const float* rows, std::size_t stride,
                       std::size_t count, std::size_t n, float* out);
void dot_rows_tile(const float* const rows[4], const float* const x[], std::size_t tokens,
                   std::size_t n, float* out);
} // namespace hearth::cpu::portable

namespace hearth::cpu::avx2 {
bool supported();
float dot_f32(const float* a, const float* b, std::size_t n);
float dot_row_f32(RowView row, const float* x, std::size_t n);
float dot_bf16(RowView row, const float* x, std::size_t n);
float dot_q8_0(RowView row, const float* x, std::size_t n);
float dot_mxfp4_gguf(RowView row, const float* x, std::size_t n);
float dot_mxfp4_checkpoint(RowView row, const float* x, std::size_t n);
void decode_q8_0(RowView row, float* out, std::size_t n);
void decode_mxfp4_gguf(RowView row, float* out, std::size_t n);
void decode_mxfp4_checkpoint(RowView row, float* out, std::size_t n);
float exponentiate_scores(float* scores, std::size_t n, float max_score);
void add_weighted_rows(const float* weights, const float* rows, std::size_t stride,
                       std::size_t count, std::size_t n, float* out);
void dot_rows_tile(const float* const rows[4], const float* const x[], std::size_t tokens,
                   std::size_t n, float* out);
} // namespace hearth::cpu::avx2

namespace hearth::cpu::avx512 {
bool supported();
float dot_q8_0(RowView row, const float* x, std::size_t n);
// Checkpoint MXFP4 bytes hold elements 2j and 2j+1; its dot reads each block's inputs rearranged
// to its evens, then its odds (GGUF blocks already unpack in element order).
void prepare_evens_then_odds(const float* x, std::size_t n, float* out);
float dot_mxfp4_gguf(RowView row, DotInput x, std::size_t n);
float dot_mxfp4_checkpoint(RowView row, DotInput x, std::size_t n);
void decode_mxfp4_gguf(RowView row, float* out, std::size_t n);
void decode_mxfp4_checkpoint(RowView row, float* out, std::size_t n);
void dot_rows_tile(const float* const rows[4], const float* const x[], std::size_t tokens,
                   std::size_t n, float* out);
} // namespace hearth::cpu::avx512
