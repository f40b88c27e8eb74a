// The CUDA driver API calls Hearth's backend makes (backend/cuda/cuda_driver_api.h), served on the
// CPU: one device, memory from the host, kernels from kernel_table.h run by block_runner.h as each
// launch or graph replay comes. Built as libcuda.so.1 in a folder of its own; a test process run
// with that folder on LD_LIBRARY_PATH drives the real backend code against it.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <variant>
#include <vector>

#include "block_runner.h"
#include "kernel_table.h"

namespace {

using namespace hearth::cuda_emulator;

using CUresult = int;
using CUdeviceptr = unsigned long long;

constexpr CUresult success = 0, invalid_value = 1, out_of_memory = 2, invalid_device = 101,
                   invalid_image = 200, invalid_handle = 400, not_found = 500, launch_failed = 719,
                   not_supported = 801;
constexpr unsigned event_record_external = 1; // CU_EVENT_RECORD_EXTERNAL

constexpr std::size_t memory_bytes = std::size_t{8} << 30;
// Compute capability 8.9: one the fatbin has machine code for (HEARTH_CUDA_ARCHS).
constexpr int compute_major = 8, compute_minor = 9;

// A kernel launch kept by a graph: its arguments copied by value.
struct Launch {
    const Kernel* kernel;
    dim3 grid, block;
    std::vector<std::vector<std::byte>> arguments;
};
// A copy kept by a graph: the host side is read or written when the graph runs, as on a GPU.
struct Copy {
    void* target;
    const void* source;
    std::size_t bytes;
};
// An event: when it was last recorded, on the host's clock (work runs as it is issued).
struct Event {
    std::optional<std::chrono::steady_clock::time_point> recorded;
};
// An event record node of a graph (an event recorded with CU_EVENT_RECORD_EXTERNAL in capture).
struct Record {
    Event* event;
};
struct Graph {
    std::vector<std::variant<Launch, Copy, Record>> steps;
};

struct Stream {
    std::unique_ptr<Graph> capture; // set while capturing
};

struct Emulator {
    std::mutex mutex;
    std::map<CUdeviceptr, std::pair<void*, std::size_t>> allocations; // -> mapping, its size
    std::size_t allocated = 0;
    std::string last_failure; // what the last failed launch said, for cuGetErrorString
} emulator;

CUresult run(const Launch& launch) {
    std::vector<void*> pointers;
    for (const auto& argument : launch.arguments)
        pointers.push_back(const_cast<std::byte*>(argument.data()));
    const std::string error =
        run_grid([&] { launch.kernel->call(pointers.data()); }, launch.grid, launch.block);
    if (error.empty()) return success;
    emulator.last_failure = error;
    std::fprintf(stderr, "CUDA emulator: %s\n", error.c_str());
    return launch_failed;
}

CUresult copy(void* target, const void* source, std::size_t bytes, Stream* stream) {
    if (stream && stream->capture) {
        stream->capture->steps.emplace_back(Copy{target, source, bytes});
    } else {
        std::memcpy(target, source, bytes);
    }
    return success;
}

void* address(CUdeviceptr pointer) { return reinterpret_cast<void*>(pointer); }

} // namespace

#define HEARTH_EXPORT extern "C" __attribute__((visibility("default")))

HEARTH_EXPORT CUresult cuInit(unsigned) { return success; }

HEARTH_EXPORT CUresult cuDriverGetVersion(int* version) {
    *version = 13000;
    return success;
}

HEARTH_EXPORT CUresult cuGetErrorString(CUresult error, const char** text) {
    static std::string message;
    const std::lock_guard lock(emulator.mutex);
    message = "CUDA emulator error " + std::to_string(error);
    if (error == launch_failed) message += ": " + emulator.last_failure;
    *text = message.c_str();
    return success;
}

HEARTH_EXPORT CUresult cuDeviceGetCount(int* count) {
    *count = 1;
    return success;
}

HEARTH_EXPORT CUresult cuDeviceGet(int* device, int ordinal) {
    if (ordinal != 0) return invalid_device;
    *device = 0;
    return success;
}

HEARTH_EXPORT CUresult cuDeviceGetName(char* name, int length, int) {
    std::snprintf(name, static_cast<std::size_t>(length), "Hearth CUDA emulator (CPU)");
    return success;
}

HEARTH_EXPORT CUresult cuDeviceGetAttribute(int* value, int attribute, int) {
    switch (attribute) {
    case 75: *value = compute_major; return success; // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
    case 76: *value = compute_minor; return success; // ..._MINOR
    default: return invalid_value;
    }
}

HEARTH_EXPORT CUresult cuDeviceTotalMem_v2(std::size_t* bytes, int) {
    *bytes = memory_bytes;
    return success;
}

HEARTH_EXPORT CUresult cuDevicePrimaryCtxRetain(void** context, int) {
    static int the_context;
    *context = &the_context;
    return success;
}
HEARTH_EXPORT CUresult cuDevicePrimaryCtxRelease_v2(int) { return success; }
HEARTH_EXPORT CUresult cuCtxSetCurrent(void*) { return success; }
HEARTH_EXPORT CUresult cuCtxSynchronize() { return success; }

HEARTH_EXPORT CUresult cuModuleLoadData(void** module, const void* image) {
    if (!image) return invalid_image;
    static int the_module;
    *module = &the_module;
    return success;
}
HEARTH_EXPORT CUresult cuModuleUnload(void*) { return success; }

HEARTH_EXPORT CUresult cuModuleGetFunction(const Kernel** function, void*, const char* name) {
    *function = find_kernel(name);
    return *function ? success : not_found;
}

// Each allocation ends where an unreadable page begins, so a kernel reading past the end of a
// buffer stops the test with a fault instead of reading a neighbour. Fresh memory is all 0xFF
// bytes (NaN floats), as a GPU's is garbage.
HEARTH_EXPORT CUresult cuMemAlloc_v2(CUdeviceptr* pointer, std::size_t bytes) {
    const std::lock_guard lock(emulator.mutex);
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t rounded = (bytes + 15) / 16 * 16;
    const std::size_t data_pages = (rounded + page - 1) / page * page;
    if (bytes == 0) return invalid_value;
    if (emulator.allocated + data_pages > memory_bytes) return out_of_memory;
    void* mapping = mmap(nullptr, data_pages + page, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED) return out_of_memory;
    auto* base = static_cast<std::byte*>(mapping);
    mprotect(base + data_pages, page, PROT_NONE);
    std::byte* data = base + data_pages - rounded;
    std::memset(data, 0xFF, rounded);
    *pointer = reinterpret_cast<CUdeviceptr>(data);
    emulator.allocations[*pointer] = {mapping, data_pages + page};
    emulator.allocated += data_pages;
    return success;
}

HEARTH_EXPORT CUresult cuMemFree_v2(CUdeviceptr pointer) {
    const std::lock_guard lock(emulator.mutex);
    const auto found = emulator.allocations.find(pointer);
    if (found == emulator.allocations.end()) return invalid_value;
    const auto [mapping, bytes] = found->second;
    munmap(mapping, bytes);
    emulator.allocated -= bytes - static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    emulator.allocations.erase(found);
    return success;
}

HEARTH_EXPORT CUresult cuMemAllocHost_v2(void** pointer, std::size_t bytes) {
    *pointer = std::malloc(bytes);
    return *pointer ? success : out_of_memory;
}
HEARTH_EXPORT CUresult cuMemFreeHost(void* pointer) {
    std::free(pointer);
    return success;
}

HEARTH_EXPORT CUresult cuMemGetInfo_v2(std::size_t* free_bytes, std::size_t* total_bytes) {
    const std::lock_guard lock(emulator.mutex);
    *free_bytes = memory_bytes - emulator.allocated;
    *total_bytes = memory_bytes;
    return success;
}

HEARTH_EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr target, const void* source, std::size_t bytes) {
    const std::lock_guard lock(emulator.mutex);
    return copy(address(target), source, bytes, nullptr);
}
HEARTH_EXPORT CUresult cuMemcpyDtoH_v2(void* target, CUdeviceptr source, std::size_t bytes) {
    const std::lock_guard lock(emulator.mutex);
    return copy(target, address(source), bytes, nullptr);
}
HEARTH_EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr target, const void* source,
                                            std::size_t bytes, Stream* stream) {
    const std::lock_guard lock(emulator.mutex);
    return copy(address(target), source, bytes, stream);
}
HEARTH_EXPORT CUresult cuMemcpyDtoHAsync_v2(void* target, CUdeviceptr source, std::size_t bytes,
                                            Stream* stream) {
    const std::lock_guard lock(emulator.mutex);
    return copy(target, address(source), bytes, stream);
}

HEARTH_EXPORT CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr target, CUdeviceptr source,
                                            std::size_t bytes, Stream* stream) {
    const std::lock_guard lock(emulator.mutex);
    return copy(address(target), address(source), bytes, stream);
}

HEARTH_EXPORT CUresult cuStreamCreate(Stream** stream, unsigned) {
    *stream = new Stream;
    return success;
}
HEARTH_EXPORT CUresult cuStreamDestroy_v2(Stream* stream) {
    delete stream;
    return success;
}
// Work runs as it is issued, so a stream has nothing to wait for.
HEARTH_EXPORT CUresult cuStreamSynchronize(Stream*) { return success; }

HEARTH_EXPORT CUresult cuStreamBeginCapture_v2(Stream* stream, int) {
    if (!stream || stream->capture) return invalid_value;
    stream->capture = std::make_unique<Graph>();
    return success;
}
HEARTH_EXPORT CUresult cuStreamEndCapture(Stream* stream, Graph** graph) {
    if (!stream || !stream->capture) return invalid_value;
    *graph = stream->capture.release();
    return success;
}
HEARTH_EXPORT CUresult cuGraphInstantiateWithFlags(Graph** exec, Graph* graph, unsigned long long) {
    *exec = new Graph(*graph);
    return success;
}
HEARTH_EXPORT CUresult cuGraphLaunch(Graph* exec, Stream* stream) {
    if (!exec || (stream && stream->capture)) return invalid_value;
    const std::lock_guard lock(emulator.mutex);
    for (const auto& step : exec->steps) {
        if (const auto* copied = std::get_if<Copy>(&step)) {
            std::memcpy(copied->target, copied->source, copied->bytes);
        } else if (const auto* record = std::get_if<Record>(&step)) {
            record->event->recorded = std::chrono::steady_clock::now();
        } else if (CUresult r = run(std::get<Launch>(step)); r != success) {
            return r;
        }
    }
    return success;
}
HEARTH_EXPORT CUresult cuGraphDestroy(Graph* graph) {
    delete graph;
    return success;
}
HEARTH_EXPORT CUresult cuGraphExecDestroy(Graph* exec) {
    delete exec;
    return success;
}

HEARTH_EXPORT CUresult cuLaunchKernel(const Kernel* kernel, unsigned grid_x, unsigned grid_y,
                                      unsigned grid_z, unsigned block_x, unsigned block_y,
                                      unsigned block_z, unsigned shared_bytes, Stream* stream,
                                      void** parameters, void** extra) {
    if (!kernel) return invalid_handle;
    // No kernel takes dynamic shared memory or packed arguments; a launch asking is a mistake.
    if (shared_bytes != 0 || extra) return not_supported;
    // The GPU's limits on a launch's shape (compute 8.9).
    if (std::uint64_t{block_x} * block_y * block_z > 1024 || block_x == 0 || block_y == 0 ||
        block_z == 0 || block_z > 64 || grid_x == 0 || grid_y == 0 || grid_z == 0 ||
        grid_x > 0x7FFFFFFFu || grid_y > 65535 || grid_z > 65535) {
        return invalid_value;
    }
    Launch launch{kernel, {grid_x, grid_y, grid_z}, {block_x, block_y, block_z}, {}};
    for (std::size_t i = 0; i < kernel->parameter_bytes.size(); ++i) {
        const auto* bytes = static_cast<const std::byte*>(parameters[i]);
        launch.arguments.emplace_back(bytes, bytes + kernel->parameter_bytes[i]);
    }
    const std::lock_guard lock(emulator.mutex);
    if (stream && stream->capture) {
        stream->capture->steps.emplace_back(std::move(launch));
        return success;
    }
    return run(launch);
}

HEARTH_EXPORT CUresult cuEventCreate(Event** event, unsigned) {
    *event = new Event;
    return success;
}
HEARTH_EXPORT CUresult cuEventDestroy_v2(Event* event) {
    delete event;
    return success;
}
// As CUDA's: in capture an event becomes a node only when recorded as external (the other kind
// joins streams, which no caller here does); outside capture, external is refused.
HEARTH_EXPORT CUresult cuEventRecordWithFlags(Event* event, Stream* stream, unsigned flags) {
    if (!event) return invalid_handle;
    const bool capturing = stream && stream->capture;
    if (capturing != (flags == event_record_external)) return invalid_value;
    const std::lock_guard lock(emulator.mutex);
    if (capturing) {
        stream->capture->steps.emplace_back(Record{event});
    } else {
        event->recorded = std::chrono::steady_clock::now();
    }
    return success;
}
// Work runs as it is issued: a recorded event has always been reached.
HEARTH_EXPORT CUresult cuEventSynchronize(Event* event) { return event ? success : invalid_handle; }

HEARTH_EXPORT CUresult cuEventElapsedTime(float* milliseconds, Event* start, Event* end) {
    if (!start || !end || !start->recorded || !end->recorded) return invalid_handle;
    *milliseconds =
        std::chrono::duration<float, std::milli>(*end->recorded - *start->recorded).count();
    return success;
}
