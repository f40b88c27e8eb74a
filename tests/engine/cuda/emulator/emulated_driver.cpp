// The CUDA driver API calls Hearth's backend makes (backend/cuda/cuda_driver_api.h), served on the
// CPU: one device, memory from the host, kernels from kernel_table.h run by block_runner.h as each
// launch or graph replay comes. Built as libcuda.so.1 in a folder of its own; a test process run
// with that folder on LD_LIBRARY_PATH drives the real backend code against it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
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
// A copy kept by a graph or queued on a stream: the host side is read or written when it runs,
// as on a GPU, unless the bytes were staged when it was issued (pageable memory, which CUDA
// copies at once).
struct Copy {
    void* target;
    const void* source;
    std::size_t bytes;
    std::vector<std::byte> staged = {};
};
struct Stream;
// An event: when it was last reached, on the host's clock, and the stream it waits in until then.
struct Event {
    std::optional<std::chrono::steady_clock::time_point> recorded;
    Stream* queued_in = nullptr;
};
// An event record: a node of a graph (recorded with CU_EVENT_RECORD_EXTERNAL in capture), or
// queued on a stream.
struct Record {
    Event* event;
};
using Step = std::variant<Launch, Copy, Record>;
struct Graph {
    std::vector<Step> steps;
};

// Work issued to a stream waits in it until the host waits for the stream (or an event in it,
// or a copy into pageable memory, which CUDA makes synchronous), as on a GPU that has not got to
// it yet: a host that reads results before it waits, or rewrites what a queued copy will read,
// gets what it would get on a GPU that is behind.
struct Stream {
    std::unique_ptr<Graph> capture; // set while capturing
    std::deque<Step> queued;
};

struct Emulator {
    std::mutex mutex;
    std::map<CUdeviceptr, std::pair<void*, std::size_t>> allocations; // -> mapping, its size
    std::size_t allocated = 0;
    std::map<const std::byte*, std::size_t> page_locked; // cuMemAllocHost's: start -> bytes
    std::set<Stream*> streams;
    std::string last_failure; // what the last failed launch said, for cuGetErrorString
    // A failed launch breaks the context, as a kernel's fault does on a GPU: every later call
    // that uses it fails the same way (until a test repairs it, which no GPU can).
    CUresult broken = success;
    // Kernels that may still run before one faults (hearthEmulatorFaultAfter); none: no fault.
    std::optional<unsigned> kernels_before_fault;
} emulator;

CUresult run(const Launch& launch) {
    if (emulator.kernels_before_fault && (*emulator.kernels_before_fault)-- == 0) {
        emulator.kernels_before_fault.reset();
        emulator.last_failure = "a fault injected by the test";
        emulator.broken = launch_failed;
        return launch_failed;
    }
    std::vector<void*> pointers;
    for (const auto& argument : launch.arguments)
        pointers.push_back(const_cast<std::byte*>(argument.data()));
    const std::string error =
        run_grid([&] { launch.kernel->call(pointers.data()); }, launch.grid, launch.block);
    if (error.empty()) return success;
    emulator.last_failure = error;
    std::fprintf(stderr, "CUDA emulator: %s\n", error.c_str());
    emulator.broken = launch_failed;
    return launch_failed;
}

CUresult perform(const Step& step) {
    if (const auto* copied = std::get_if<Copy>(&step)) {
        std::memcpy(copied->target, copied->staged.empty() ? copied->source : copied->staged.data(),
                    copied->bytes);
    } else if (const auto* record = std::get_if<Record>(&step)) {
        record->event->recorded = std::chrono::steady_clock::now();
        record->event->queued_in = nullptr;
    } else {
        return run(std::get<Launch>(step));
    }
    return success;
}

bool records(const Step& step, const Event* event) {
    const auto* record = std::get_if<Record>(&step);
    return record && record->event == event;
}

// Runs a stream's queued work in order, all of it or up to and including `until`'s latest
// record (what CUDA waits for; none queued: it has run). A failure drops the rest, as a GPU's
// sticky error would.
CUresult finish(Stream* stream, const Event* until = nullptr) {
    if (emulator.broken != success) {
        stream->queued.clear();
        return emulator.broken;
    }
    auto records_left =
        until ? std::ranges::count_if(stream->queued,
                                      [&](const Step& step) { return records(step, until); })
              : -1;
    while (records_left != 0 && !stream->queued.empty()) {
        const Step step = std::move(stream->queued.front());
        stream->queued.pop_front();
        if (CUresult r = perform(step); r != success) {
            stream->queued.clear();
            return r;
        }
        if (until && records(step, until)) --records_left;
    }
    return success;
}

CUresult finish_every_stream() {
    for (Stream* stream : emulator.streams) {
        if (CUresult r = finish(stream); r != success) return r;
    }
    return success;
}

// Into a graph being captured, onto a stream's queue, or (the legacy stream) done at once.
CUresult issue(Stream* stream, Step step) {
    if (emulator.broken != success) return emulator.broken;
    if (stream && stream->capture) {
        stream->capture->steps.push_back(std::move(step));
    } else if (stream) {
        stream->queued.push_back(std::move(step));
    } else {
        return perform(step);
    }
    return success;
}

bool page_locked(const void* pointer, std::size_t bytes) {
    const auto* start = static_cast<const std::byte*>(pointer);
    auto after = emulator.page_locked.upper_bound(start);
    if (after == emulator.page_locked.begin()) return false;
    const auto [block, size] = *std::prev(after);
    return start + bytes <= block + size;
}

CUresult copy(void* target, const void* source, std::size_t bytes, Stream* stream) {
    return issue(stream, Copy{target, source, bytes});
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
    if (emulator.broken != success) return emulator.broken;
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

// As cuMemFree does, waits for the work queued before it (which may use the memory).
HEARTH_EXPORT CUresult cuMemFree_v2(CUdeviceptr pointer) {
    const std::lock_guard lock(emulator.mutex);
    // A broken context's memory is still given back (tests go on after a fault).
    if (CUresult r = finish_every_stream(); r != success && r != emulator.broken) return r;
    const auto found = emulator.allocations.find(pointer);
    if (found == emulator.allocations.end()) return invalid_value;
    const auto [mapping, bytes] = found->second;
    munmap(mapping, bytes);
    emulator.allocated -= bytes - static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    emulator.allocations.erase(found);
    return success;
}

HEARTH_EXPORT CUresult cuMemAllocHost_v2(void** pointer, std::size_t bytes) {
    const std::lock_guard lock(emulator.mutex);
    *pointer = std::malloc(bytes);
    if (!*pointer) return out_of_memory;
    emulator.page_locked[static_cast<const std::byte*>(*pointer)] = bytes;
    return success;
}
HEARTH_EXPORT CUresult cuMemFreeHost(void* pointer) {
    const std::lock_guard lock(emulator.mutex);
    if (CUresult r = finish_every_stream(); r != success && r != emulator.broken) return r;
    if (emulator.page_locked.erase(static_cast<const std::byte*>(pointer)) == 0) {
        return invalid_value;
    }
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
// From pageable memory CUDA stages the bytes before it returns; from page-locked memory the copy
// reads them when the stream gets to it.
HEARTH_EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr target, const void* source,
                                            std::size_t bytes, Stream* stream) {
    const std::lock_guard lock(emulator.mutex);
    if ((stream && stream->capture) || page_locked(source, bytes)) {
        return copy(address(target), source, bytes, stream);
    }
    const auto* from = static_cast<const std::byte*>(source);
    return issue(stream, Copy{address(target), nullptr, bytes, {from, from + bytes}});
}
// Into pageable memory CUDA copies synchronously: the stream's work before it is done first.
HEARTH_EXPORT CUresult cuMemcpyDtoHAsync_v2(void* target, CUdeviceptr source, std::size_t bytes,
                                            Stream* stream) {
    const std::lock_guard lock(emulator.mutex);
    if ((stream && stream->capture) || page_locked(target, bytes)) {
        return copy(target, address(source), bytes, stream);
    }
    if (stream) {
        if (CUresult r = finish(stream); r != success) return r;
    }
    std::memcpy(target, address(source), bytes);
    return success;
}

HEARTH_EXPORT CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr target, CUdeviceptr source,
                                            std::size_t bytes, Stream* stream) {
    const std::lock_guard lock(emulator.mutex);
    return copy(address(target), address(source), bytes, stream);
}

HEARTH_EXPORT CUresult cuStreamCreate(Stream** stream, unsigned) {
    const std::lock_guard lock(emulator.mutex);
    *stream = new Stream;
    emulator.streams.insert(*stream);
    return success;
}
HEARTH_EXPORT CUresult cuStreamDestroy_v2(Stream* stream) {
    const std::lock_guard lock(emulator.mutex);
    const CUresult r = finish(stream); // as CUDA does, the queued work still runs
    emulator.streams.erase(stream);
    delete stream;
    return r;
}
HEARTH_EXPORT CUresult cuStreamSynchronize(Stream* stream) {
    if (!stream) return success; // the legacy stream's work is done at once
    const std::lock_guard lock(emulator.mutex);
    return finish(stream);
}

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
        if (const auto* record = std::get_if<Record>(&step)) record->event->queued_in = stream;
        if (CUresult r = issue(stream, step); r != success) return r;
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
    return issue(stream, std::move(launch));
}

HEARTH_EXPORT CUresult cuEventCreate(Event** event, unsigned) {
    *event = new Event;
    return success;
}
// CUDA lets an event go while its record waits in a stream; here that record runs first.
HEARTH_EXPORT CUresult cuEventDestroy_v2(Event* event) {
    const std::lock_guard lock(emulator.mutex);
    const CUresult r = event->queued_in ? finish(event->queued_in, event) : success;
    delete event;
    return r;
}
// As CUDA's: in capture an event becomes a node only when recorded as external (the other kind
// joins streams, which no caller here does); outside capture, external is refused.
HEARTH_EXPORT CUresult cuEventRecordWithFlags(Event* event, Stream* stream, unsigned flags) {
    if (!event) return invalid_handle;
    const bool capturing = stream && stream->capture;
    if (capturing != (flags == event_record_external)) return invalid_value;
    const std::lock_guard lock(emulator.mutex);
    if (!capturing) event->queued_in = stream;
    return issue(stream, Record{event});
}
// Waits for the work queued before the event's latest record; what was queued after it still
// waits.
HEARTH_EXPORT CUresult cuEventSynchronize(Event* event) {
    if (!event) return invalid_handle;
    const std::lock_guard lock(emulator.mutex);
    return event->queued_in ? finish(event->queued_in, event) : success;
}

HEARTH_EXPORT CUresult cuEventElapsedTime(float* milliseconds, Event* start, Event* end) {
    if (!start || !end || !start->recorded || !end->recorded) return invalid_handle;
    *milliseconds =
        std::chrono::duration<float, std::milli>(*end->recorded - *start->recorded).count();
    return success;
}

// For tests of what a fault does (no driver has these): the kernel after the next `kernels`
// faults, breaking the context; and the repair of a broken context, so the tests after it in
// the same process run.
HEARTH_EXPORT void hearthEmulatorFaultAfter(unsigned kernels) {
    const std::lock_guard lock(emulator.mutex);
    emulator.kernels_before_fault = kernels;
}
HEARTH_EXPORT void hearthEmulatorRepair() {
    const std::lock_guard lock(emulator.mutex);
    emulator.broken = success;
    emulator.kernels_before_fault.reset();
}
