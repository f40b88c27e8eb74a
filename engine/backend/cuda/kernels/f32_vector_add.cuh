// out[i] = a[i] + b[i]: the smoke test of the CUDA path (nvcc fatbin -> embedded -> driver API).
extern "C" __global__ void f32_vector_add(const float* a, const float* b, float* out,
                                          unsigned count) {
    const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < count) out[i] = a[i] + b[i];
}
