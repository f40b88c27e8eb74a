// The one translation unit nvcc compiles into Hearth's fatbin: every kernel file is included here.
#include "f32_vector_add.cuh"
