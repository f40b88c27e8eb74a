// The subset of the CUDA driver API the backend uses, declared here (not from cuda.h) so that the
// engine builds without the CUDA toolkit. Symbols are looked up by their versioned ABI names.
#pragma once

#include <cstddef>

namespace hearth::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st*;
using CUmodule = struct CUmod_st*;
using CUfunction = struct CUfunc_st*;
using CUstream = struct CUstream_st*;
using CUgraph = struct CUgraph_st*;
using CUgraphExec = struct CUgraphExec_st*;
using CUevent = struct CUevent_st*;

inline constexpr CUresult CUDA_SUCCESS = 0;
inline constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
inline constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
inline constexpr unsigned CU_STREAM_NON_BLOCKING = 1;
// Capture that sees only this thread's CUDA calls (CUstreamCaptureMode).
inline constexpr int CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1;
// An event recorded during capture becomes a node of the graph (timed each replay), rather than
// a dependency between streams.
inline constexpr unsigned CU_EVENT_RECORD_EXTERNAL = 1;
// An event that only marks a point in the stream, without a time (cheaper to record).
inline constexpr unsigned CU_EVENT_DISABLE_TIMING = 2;

struct DriverApi {
    CUresult (*cuInit)(unsigned int flags);
    CUresult (*cuDriverGetVersion)(int* version);
    CUresult (*cuGetErrorString)(CUresult error, const char** text);
    CUresult (*cuDeviceGetCount)(int* count);
    CUresult (*cuDeviceGet)(CUdevice* device, int ordinal);
    CUresult (*cuDeviceGetName)(char* name, int length, CUdevice device);
    CUresult (*cuDeviceGetAttribute)(int* value, int attribute, CUdevice device);
    CUresult (*cuDeviceTotalMem)(std::size_t* bytes, CUdevice device);
    CUresult (*cuDevicePrimaryCtxRetain)(CUcontext* context, CUdevice device);
    CUresult (*cuDevicePrimaryCtxRelease)(CUdevice device);
    CUresult (*cuCtxSetCurrent)(CUcontext context);
    CUresult (*cuCtxSynchronize)();
    CUresult (*cuModuleLoadData)(CUmodule* module, const void* image);
    CUresult (*cuModuleUnload)(CUmodule module);
    CUresult (*cuModuleGetFunction)(CUfunction* function, CUmodule module, const char* name);
    CUresult (*cuMemAlloc)(CUdeviceptr* pointer, std::size_t bytes);
    CUresult (*cuMemFree)(CUdeviceptr pointer);
    CUresult (*cuMemcpyHtoD)(CUdeviceptr destination, const void* source, std::size_t bytes);
    CUresult (*cuMemcpyDtoH)(void* destination, CUdeviceptr source, std::size_t bytes);
    CUresult (*cuMemGetInfo)(std::size_t* free_bytes, std::size_t* total_bytes);
    CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr destination, const void* source, std::size_t bytes,
                                  CUstream stream);
    CUresult (*cuMemcpyDtoHAsync)(void* destination, CUdeviceptr source, std::size_t bytes,
                                  CUstream stream);
    CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr destination, CUdeviceptr source, std::size_t bytes,
                                  CUstream stream);
    CUresult (*cuStreamCreate)(CUstream* stream, unsigned flags);
    CUresult (*cuStreamDestroy)(CUstream stream);
    CUresult (*cuStreamSynchronize)(CUstream stream);
    CUresult (*cuStreamBeginCapture)(CUstream stream, int mode);
    CUresult (*cuStreamEndCapture)(CUstream stream, CUgraph* graph);
    CUresult (*cuGraphInstantiate)(CUgraphExec* exec, CUgraph graph, unsigned long long flags);
    CUresult (*cuGraphLaunch)(CUgraphExec exec, CUstream stream);
    CUresult (*cuGraphDestroy)(CUgraph graph);
    CUresult (*cuGraphExecDestroy)(CUgraphExec exec);
    CUresult (*cuLaunchKernel)(CUfunction function, unsigned grid_x, unsigned grid_y,
                               unsigned grid_z, unsigned block_x, unsigned block_y,
                               unsigned block_z, unsigned shared_bytes, CUstream stream,
                               void** parameters, void** extra);
    CUresult (*cuEventCreate)(CUevent* event, unsigned flags);
    CUresult (*cuEventDestroy)(CUevent event);
    CUresult (*cuEventRecordWithFlags)(CUevent event, CUstream stream, unsigned flags);
    CUresult (*cuEventElapsedTime)(float* milliseconds, CUevent start, CUevent end);
    CUresult (*cuEventSynchronize)(CUevent event);
    CUresult (*cuMemAllocHost)(void** pointer, std::size_t bytes);
    CUresult (*cuMemFreeHost)(void* pointer);
};

} // namespace hearth::cuda
