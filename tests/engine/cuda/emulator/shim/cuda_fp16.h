// Stands in for the toolkit's cuda_fp16.h when the emulator compiles the kernels with g++:
// __half and its conversions are in cuda_builtins.h, included before the kernels.
#pragma once

#include "../cuda_builtins.h"
