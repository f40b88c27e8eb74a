// The one translation unit nvcc compiles into Hearth's fatbin: every kernel file is included here.
#include "attention.cuh"
#include "bandwidth.cuh"
#include "embed.cuh"
#include "experts.cuh"
#include "f32_vector_add.cuh"
#include "matvec.cuh"
#include "rms_norm.cuh"
#include "rope_kv_write.cuh"
