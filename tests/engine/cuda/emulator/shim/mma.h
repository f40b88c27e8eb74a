// Stands in for the toolkit's mma.h (nvcuda::wmma) when the emulator compiles the kernels with
// g++. Only what the layout of a fragment does not decide can be emulated faithfully: every lane
// here holds the whole tile (on a GPU it holds a share in an undocumented order), so kernels may
// load, multiply, fill and store fragments, and combine fragments of one type element by element
// (the same order in both), but not read an element as a given row and column. The GPU's rules on
// pointers (32-byte aligned) and leading dimensions (16 bytes' worth) are checked.
#pragma once

#include <cstdint>
#include <type_traits>

#include "cuda_bf16.h"

namespace nvcuda::wmma {

struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment {
    static constexpr int rows = std::is_same_v<Use, matrix_b> ? K : M;
    static constexpr int cols = std::is_same_v<Use, matrix_a> ? K : N;
    static constexpr int num_elements = rows * cols;
    T x[num_elements]; // [row][col] of the tile, whole in every lane
};

namespace emulated {
template <typename T>
void check_memory_rules(const T* pointer, unsigned ldm) {
    if (reinterpret_cast<std::uintptr_t>(pointer) % 32 != 0) {
        hearth::cuda_emulator::fail_launch(
            "a wmma load or store at an address not 32-byte aligned");
    }
    if (ldm * sizeof(T) % 16 != 0) {
        hearth::cuda_emulator::fail_launch("a wmma leading dimension not a multiple of 16 bytes");
    }
}
} // namespace emulated

template <typename Use, int M, int N, int K, typename T, typename Layout>
void fill_fragment(fragment<Use, M, N, K, T, Layout>& f, T value) {
    for (T& element : f.x)
        element = value;
}

template <typename Use, int M, int N, int K, typename T, typename Layout>
void load_matrix_sync(fragment<Use, M, N, K, T, Layout>& f, const T* pointer, unsigned ldm) {
    emulated::check_memory_rules(pointer, ldm);
    using Tile = fragment<Use, M, N, K, T, Layout>;
    for (int r = 0; r < Tile::rows; ++r) {
        for (int c = 0; c < Tile::cols; ++c) {
            f.x[r * Tile::cols + c] =
                std::is_same_v<Layout, row_major> ? pointer[r * ldm + c] : pointer[c * ldm + r];
        }
    }
}

template <int M, int N, int K>
void store_matrix_sync(float* pointer, const fragment<accumulator, M, N, K, float>& f, unsigned ldm,
                       layout_t layout) {
    emulated::check_memory_rules(pointer, ldm);
    for (int r = 0; r < M; ++r) {
        for (int c = 0; c < N; ++c) {
            float& at = layout == mem_row_major ? pointer[r * ldm + c] : pointer[c * ldm + r];
            at = f.x[r * N + c];
        }
    }
}

// d = a b + c, summed in f32 (d may be c).
template <int M, int N, int K, typename T, typename LayoutA, typename LayoutB>
void mma_sync(fragment<accumulator, M, N, K, float>& d,
              const fragment<matrix_a, M, N, K, T, LayoutA>& a,
              const fragment<matrix_b, M, N, K, T, LayoutB>& b,
              const fragment<accumulator, M, N, K, float>& c) {
    float sums[M * N];
    for (int i = 0; i < M; ++i) {
        for (int j = 0; j < N; ++j) {
            float sum = c.x[i * N + j];
            for (int k = 0; k < K; ++k)
                sum += static_cast<float>(a.x[i * K + k]) * static_cast<float>(b.x[k * N + j]);
            sums[i * N + j] = sum;
        }
    }
    for (int i = 0; i < M * N; ++i)
        d.x[i] = sums[i];
}

} // namespace nvcuda::wmma
