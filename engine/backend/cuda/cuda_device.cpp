#include "cuda_device.h"

#include <algorithm>
#include <utility>

namespace hearth::cuda {

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : device_(std::exchange(other.device_, nullptr)), address_(std::exchange(other.address_, 0)),
      bytes_(std::exchange(other.bytes_, 0)) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
    std::swap(device_, other.device_);
    std::swap(address_, other.address_);
    std::swap(bytes_, other.bytes_);
    return *this;
}

DeviceBuffer::~DeviceBuffer() {
    if (!address_) return;
    device_->allocated_bytes_ -= bytes_;
    // A failure here leaves nothing to do but lose the memory with the context.
    if (device_->make_current()) device_->api().cuMemFree(address_);
}

CapturedGraph::CapturedGraph(CapturedGraph&& other) noexcept
    : device_(std::exchange(other.device_, nullptr)), exec_(std::exchange(other.exec_, nullptr)) {}

CapturedGraph& CapturedGraph::operator=(CapturedGraph&& other) noexcept {
    std::swap(device_, other.device_);
    std::swap(exec_, other.exec_);
    return *this;
}

CapturedGraph::~CapturedGraph() {
    if (exec_) device_->api().cuGraphExecDestroy(exec_);
}

TimedGraph::TimedGraph(TimedGraph&& other) noexcept
    : device_(std::exchange(other.device_, nullptr)), graph_(std::move(other.graph_)),
      events_(std::exchange(other.events_, {})) {}

TimedGraph& TimedGraph::operator=(TimedGraph&& other) noexcept {
    std::swap(device_, other.device_);
    std::swap(graph_, other.graph_);
    std::swap(events_, other.events_);
    return *this;
}

TimedGraph::~TimedGraph() {
    if (events_.empty()) return;
    graph_ = CapturedGraph{}; // its event nodes go before their events
    if (!device_->make_current()) return;
    for (CUevent event : events_)
        device_->api().cuEventDestroy(event);
}

HostMailbox::HostMailbox(HostMailbox&& other) noexcept
    : device_(std::exchange(other.device_, nullptr)), data_(std::exchange(other.data_, nullptr)),
      bytes_(std::exchange(other.bytes_, 0)), done_(std::exchange(other.done_, nullptr)) {}

HostMailbox& HostMailbox::operator=(HostMailbox&& other) noexcept {
    std::swap(device_, other.device_);
    std::swap(data_, other.data_);
    std::swap(bytes_, other.bytes_);
    std::swap(done_, other.done_);
    return *this;
}

HostMailbox::~HostMailbox() {
    if (!device_ || !device_->make_current()) return;
    if (done_) device_->api().cuEventDestroy(done_);
    if (data_) device_->api().cuMemFreeHost(data_);
}

CudaDevice::CudaDevice(CudaDriver driver, CUdevice device, std::string name)
    : driver_(std::move(driver)), device_(device), name_(std::move(name)) {}

Result<std::unique_ptr<CudaDevice>> CudaDevice::open(CudaDriver driver, int ordinal,
                                                     std::span<const std::uint32_t> fatbin) {
    std::string name;
    for (const auto& gpu : driver.devices()) {
        if (gpu.ordinal == ordinal) name = gpu.name;
    }
    const DriverApi& api = driver.api();
    CUdevice handle = 0;
    if (CUresult r = api.cuDeviceGet(&handle, ordinal); r != CUDA_SUCCESS) {
        return fail_cuda(api, "opening device " + std::to_string(ordinal), r);
    }
    std::unique_ptr<CudaDevice> device(new CudaDevice(std::move(driver), handle, std::move(name)));
    if (CUresult r = api.cuDevicePrimaryCtxRetain(&device->context_, handle); r != CUDA_SUCCESS) {
        device->context_ = nullptr;
        return fail_cuda(api, "creating a context", r);
    }
    if (auto r = device->make_current(); !r) return std::unexpected(r.error());
    if (CUresult r = api.cuModuleLoadData(&device->module_, fatbin.data()); r != CUDA_SUCCESS) {
        device->module_ = nullptr;
        return fail_cuda(api, "loading the kernels for " + device->name_, r);
    }
    if (CUresult r = api.cuStreamCreate(&device->stream_, CU_STREAM_NON_BLOCKING);
        r != CUDA_SUCCESS) {
        device->stream_ = nullptr;
        return fail_cuda(api, "creating a stream", r);
    }
    return device;
}

CudaDevice::~CudaDevice() {
    if (!context_) return;
    functions_.clear();
    if (make_current()) {
        if (stream_) api().cuStreamDestroy(stream_);
        if (module_) api().cuModuleUnload(module_);
    }
    api().cuDevicePrimaryCtxRelease(device_);
}

Result<void> CudaDevice::make_current() {
    if (CUresult r = api().cuCtxSetCurrent(context_); r != CUDA_SUCCESS) {
        return fail_cuda(api(), "activating the context", r);
    }
    return {};
}

Result<std::uint64_t> CudaDevice::free_memory() {
    if (auto r = make_current(); !r) return std::unexpected(r.error());
    std::size_t free_bytes = 0, total_bytes = 0;
    if (CUresult r = api().cuMemGetInfo(&free_bytes, &total_bytes); r != CUDA_SUCCESS) {
        return fail_cuda(api(), "reading the free memory", r);
    }
    return free_bytes;
}

Result<DeviceBuffer> CudaDevice::allocate(std::uint64_t bytes) {
    if (auto r = make_current(); !r) return std::unexpected(r.error());
    DeviceBuffer buffer;
    // Kernels read whole 16-byte words: never a zero-sized or odd-sized allocation.
    const std::uint64_t rounded = std::max<std::uint64_t>(16, (bytes + 15) / 16 * 16);
    if (CUresult r = api().cuMemAlloc(&buffer.address_, rounded); r != CUDA_SUCCESS) {
        return fail_cuda(api(), "allocating " + std::to_string(bytes) + " bytes", r);
    }
    buffer.device_ = this;
    buffer.bytes_ = bytes;
    allocated_bytes_ += bytes;
    return buffer;
}

// On the stream and waited for: a plain cuMemcpyHtoD may return before the bytes arrive, and
// the non-blocking stream does not wait for the legacy stream it runs on.
Result<void> CudaDevice::upload(const DeviceBuffer& buffer, std::span<const std::byte> bytes) {
    const auto held = hold_stream();
    if (bytes.empty()) return {};
    if (auto r = upload_async(buffer, bytes); !r) return r;
    return synchronize();
}

Result<void> CudaDevice::upload_async(const DeviceBuffer& buffer,
                                      std::span<const std::byte> bytes) {
    const auto held = hold_stream();
    if (auto r = make_current(); !r) return r;
    if (CUresult r = api().cuMemcpyHtoDAsync(buffer.address_, bytes.data(), bytes.size(), stream_);
        r != CUDA_SUCCESS) {
        return fail_cuda(api(), "copying to the GPU", r);
    }
    return {};
}

Result<void> CudaDevice::download_async(std::span<std::byte> bytes, const DeviceBuffer& buffer) {
    const auto held = hold_stream();
    if (auto r = make_current(); !r) return r;
    if (CUresult r = api().cuMemcpyDtoHAsync(bytes.data(), buffer.address_, bytes.size(), stream_);
        r != CUDA_SUCCESS) {
        return fail_cuda(api(), "copying from the GPU", r);
    }
    return {};
}

Result<void> CudaDevice::copy_async(const DeviceBuffer& to, std::uint64_t to_offset,
                                    const DeviceBuffer& from, std::uint64_t from_offset,
                                    std::uint64_t bytes) {
    const auto held = hold_stream();
    if (auto r = make_current(); !r) return r;
    if (CUresult r = api().cuMemcpyDtoDAsync(to.address_ + to_offset, from.address_ + from_offset,
                                             bytes, stream_);
        r != CUDA_SUCCESS) {
        return fail_cuda(api(), "copying on the GPU", r);
    }
    return {};
}

Result<HostMailbox> CudaDevice::create_mailbox(std::size_t bytes) {
    if (auto r = make_current(); !r) return std::unexpected(r.error());
    HostMailbox mailbox;
    mailbox.device_ = this;
    if (CUresult r = api().cuMemAllocHost(&mailbox.data_, bytes); r != CUDA_SUCCESS) {
        mailbox.data_ = nullptr;
        return fail_cuda(api(), "allocating page-locked host memory", r);
    }
    mailbox.bytes_ = bytes;
    if (CUresult r = api().cuEventCreate(&mailbox.done_, CU_EVENT_DISABLE_TIMING);
        r != CUDA_SUCCESS) {
        mailbox.done_ = nullptr;
        return fail_cuda(api(), "creating an event", r);
    }
    return mailbox;
}

Result<void> CudaDevice::mark_done(const HostMailbox& mailbox) {
    const auto held = hold_stream();
    if (auto r = make_current(); !r) return r;
    if (CUresult r = api().cuEventRecordWithFlags(mailbox.done_, stream_, 0); r != CUDA_SUCCESS) {
        return fail_cuda(api(), "recording an event", r);
    }
    return {};
}

Result<void> CudaDevice::wait(const HostMailbox& mailbox) {
    if (auto r = make_current(); !r) return r;
    if (CUresult r = api().cuEventSynchronize(mailbox.done_); r != CUDA_SUCCESS) {
        return fail_cuda(api(), "waiting for the GPU", r);
    }
    return {};
}

Result<void> CudaDevice::synchronize() {
    const auto held = hold_stream();
    if (auto r = make_current(); !r) return r;
    if (CUresult r = api().cuStreamSynchronize(stream_); r != CUDA_SUCCESS) {
        return fail_cuda(api(), "waiting for the GPU", r);
    }
    return {};
}

Result<void> CudaDevice::launch_with(std::string_view kernel, LaunchShape shape,
                                     void** parameters) {
    const auto held = hold_stream();
    auto found = functions_.find(kernel);
    if (found == functions_.end()) {
        CUfunction function = nullptr;
        const std::string name(kernel);
        if (CUresult r = api().cuModuleGetFunction(&function, module_, name.c_str());
            r != CUDA_SUCCESS) {
            return fail_cuda(api(), "finding kernel " + name, r);
        }
        found = functions_.emplace(name, function).first;
    }
    if (!looking_up_only_) {
        if (CUresult r =
                api().cuLaunchKernel(found->second, shape.grid_x, shape.grid_y, shape.grid_z,
                                     shape.block, 1, 1, 0, stream_, parameters, nullptr);
            r != CUDA_SUCCESS) {
            return fail_cuda(api(), "launching " + std::string(kernel), r);
        }
    }
    return timing_events_ ? next_timing_event() : Result<void>{};
}

Result<void> CudaDevice::next_timing_event() {
    auto& events = *timing_events_;
    if (looking_up_only_) {
        CUevent event = nullptr;
        if (CUresult r = api().cuEventCreate(&event, 0); r != CUDA_SUCCESS) {
            return fail_cuda(api(), "creating a timing event", r);
        }
        events.push_back(event);
        return {};
    }
    if (timing_events_recorded_ >= events.size()) {
        return fail("CUDA: a timed capture launched more kernels than it looked up");
    }
    if (CUresult r = api().cuEventRecordWithFlags(events[timing_events_recorded_++], stream_,
                                                  CU_EVENT_RECORD_EXTERNAL);
        r != CUDA_SUCCESS) {
        return fail_cuda(api(), "recording a timing event", r);
    }
    return {};
}

Result<CapturedGraph> CudaDevice::capture(const std::function<Result<void>()>& record) {
    return capture_with(record, nullptr);
}

Result<TimedGraph> CudaDevice::capture_timed(const std::function<Result<void>()>& record) {
    const auto held = hold_stream();
    TimedGraph timed;
    timed.device_ = this;
    auto graph = capture_with(record, &timed.events_);
    if (!graph) return std::unexpected(graph.error());
    timed.graph_ = std::move(*graph);
    return timed;
}

Result<CapturedGraph> CudaDevice::capture_with(const std::function<Result<void>()>& record,
                                               std::vector<CUevent>* events) {
    const auto held = hold_stream();
    if (auto r = make_current(); !r) return std::unexpected(r.error());
    // The kernels are looked up first, outside the capture: with the driver's lazy loading
    // (the default since CUDA 12.2) a lookup loads the kernel, which a capture must not see.
    // Timing events are made then too, each launch's and the start's.
    timing_events_ = events;
    timing_events_recorded_ = 0;
    looking_up_only_ = true;
    auto looked_up = events ? next_timing_event() : Result<void>{};
    if (looked_up) looked_up = record();
    looking_up_only_ = false;
    if (!looked_up) {
        timing_events_ = nullptr;
        return std::unexpected(looked_up.error());
    }
    if (CUresult r = api().cuStreamBeginCapture(stream_, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        r != CUDA_SUCCESS) {
        timing_events_ = nullptr;
        return fail_cuda(api(), "starting a graph capture", r);
    }
    auto recorded = events ? next_timing_event() : Result<void>{};
    if (recorded) recorded = record();
    if (recorded && events && timing_events_recorded_ != events->size()) {
        recorded = fail("CUDA: a timed capture launched fewer kernels than it looked up");
    }
    timing_events_ = nullptr;
    CUgraph graph = nullptr;
    // Capture must end even when recording failed, or the stream stays unusable.
    const CUresult ended = api().cuStreamEndCapture(stream_, &graph);
    if (!recorded) {
        if (graph) api().cuGraphDestroy(graph);
        return std::unexpected(recorded.error());
    }
    if (ended != CUDA_SUCCESS) return fail_cuda(api(), "ending a graph capture", ended);
    CUgraphExec exec = nullptr;
    const CUresult made = api().cuGraphInstantiate(&exec, graph, 0);
    api().cuGraphDestroy(graph);
    if (made != CUDA_SUCCESS) return fail_cuda(api(), "instantiating a graph", made);
    CapturedGraph captured;
    captured.device_ = this;
    captured.exec_ = exec;
    return captured;
}

Result<std::vector<double>> CudaDevice::launch_end_times(const TimedGraph& timed) {
    const auto held = hold_stream();
    if (auto r = make_current(); !r) return std::unexpected(r.error());
    std::vector<double> seconds{0.0};
    for (std::size_t i = 1; i < timed.events_.size(); ++i) {
        float milliseconds = 0;
        if (CUresult r =
                api().cuEventElapsedTime(&milliseconds, timed.events_.front(), timed.events_[i]);
            r != CUDA_SUCCESS) {
            return fail_cuda(api(), "reading a launch's time", r);
        }
        seconds.push_back(milliseconds / 1e3);
    }
    return seconds;
}

Result<void> CudaDevice::replay(const CapturedGraph& graph) {
    const auto held = hold_stream();
    if (auto r = make_current(); !r) return r;
    if (CUresult r = api().cuGraphLaunch(graph.exec_, stream_); r != CUDA_SUCCESS) {
        return fail_cuda(api(), "launching the forward pass", r);
    }
    return {};
}

} // namespace hearth::cuda
