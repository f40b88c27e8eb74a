#include "cuda_driver.h"

#include <dlfcn.h>
#include <utility>

#include "cuda_driver_api.h"

namespace hearth::cuda {
namespace {

// Runs a cleanup at scope exit; the CUDA calls below acquire several resources in sequence.
template <typename F>
class ScopeExit {
  public:
    explicit ScopeExit(F f) : f_(std::move(f)) {}
    ~ScopeExit() { f_(); }
    ScopeExit(const ScopeExit&) = delete;
    ScopeExit& operator=(const ScopeExit&) = delete;

  private:
    F f_;
};

template <typename Fn>
bool resolve(void* library, const char* name, Fn& slot) {
    slot = reinterpret_cast<Fn>(dlsym(library, name));
    return slot != nullptr;
}

std::string error_text(const DriverApi& api, CUresult result) {
    const char* text = nullptr;
    if (api.cuGetErrorString && api.cuGetErrorString(result, &text) == CUDA_SUCCESS && text) {
        return std::string(text) + " (CUresult " + std::to_string(result) + ")";
    }
    return "CUresult " + std::to_string(result);
}

// The faults after which the driver fails all of the context's later calls (cuda.h): a kernel
// that faulted, ran too long or failed an assert, an uncorrectable or contained memory error.
bool breaks_the_context(CUresult result) {
    constexpr CUresult ecc_uncorrectable = 214, contained = 226, illegal_address = 700,
                       launch_timeout = 702, device_assert = 710, first_kernel_fault = 714,
                       launch_failed = 719;
    return result == ecc_uncorrectable || result == contained || result == illegal_address ||
           result == launch_timeout || result == device_assert ||
           (result >= first_kernel_fault && result <= launch_failed);
}

Result<void> resolve_all(void* library, DriverApi& api) {
    // Versioned names: the unsuffixed ones are the pre-CUDA-3.2 ABI or were remapped since.
    const bool ok =
        resolve(library, "cuInit", api.cuInit) &&
        resolve(library, "cuDriverGetVersion", api.cuDriverGetVersion) &&
        resolve(library, "cuGetErrorString", api.cuGetErrorString) &&
        resolve(library, "cuDeviceGetCount", api.cuDeviceGetCount) &&
        resolve(library, "cuDeviceGet", api.cuDeviceGet) &&
        resolve(library, "cuDeviceGetName", api.cuDeviceGetName) &&
        resolve(library, "cuDeviceGetAttribute", api.cuDeviceGetAttribute) &&
        resolve(library, "cuDeviceTotalMem_v2", api.cuDeviceTotalMem) &&
        resolve(library, "cuDevicePrimaryCtxRetain", api.cuDevicePrimaryCtxRetain) &&
        resolve(library, "cuDevicePrimaryCtxRelease_v2", api.cuDevicePrimaryCtxRelease) &&
        resolve(library, "cuCtxSetCurrent", api.cuCtxSetCurrent) &&
        resolve(library, "cuCtxSynchronize", api.cuCtxSynchronize) &&
        resolve(library, "cuModuleLoadData", api.cuModuleLoadData) &&
        resolve(library, "cuModuleUnload", api.cuModuleUnload) &&
        resolve(library, "cuModuleGetFunction", api.cuModuleGetFunction) &&
        resolve(library, "cuMemAlloc_v2", api.cuMemAlloc) &&
        resolve(library, "cuMemFree_v2", api.cuMemFree) &&
        resolve(library, "cuMemcpyHtoD_v2", api.cuMemcpyHtoD) &&
        resolve(library, "cuMemcpyDtoH_v2", api.cuMemcpyDtoH) &&
        resolve(library, "cuMemGetInfo_v2", api.cuMemGetInfo) &&
        resolve(library, "cuMemcpyHtoDAsync_v2", api.cuMemcpyHtoDAsync) &&
        resolve(library, "cuMemcpyDtoHAsync_v2", api.cuMemcpyDtoHAsync) &&
        resolve(library, "cuMemcpyDtoDAsync_v2", api.cuMemcpyDtoDAsync) &&
        resolve(library, "cuStreamCreate", api.cuStreamCreate) &&
        resolve(library, "cuStreamDestroy_v2", api.cuStreamDestroy) &&
        resolve(library, "cuStreamSynchronize", api.cuStreamSynchronize) &&
        resolve(library, "cuStreamBeginCapture_v2", api.cuStreamBeginCapture) &&
        resolve(library, "cuStreamEndCapture", api.cuStreamEndCapture) &&
        // cuda.h maps cuGraphInstantiate to this since CUDA 12.
        resolve(library, "cuGraphInstantiateWithFlags", api.cuGraphInstantiate) &&
        resolve(library, "cuGraphLaunch", api.cuGraphLaunch) &&
        resolve(library, "cuGraphDestroy", api.cuGraphDestroy) &&
        resolve(library, "cuGraphExecDestroy", api.cuGraphExecDestroy) &&
        resolve(library, "cuLaunchKernel", api.cuLaunchKernel) &&
        resolve(library, "cuEventCreate", api.cuEventCreate) &&
        resolve(library, "cuEventDestroy_v2", api.cuEventDestroy) &&
        resolve(library, "cuEventRecordWithFlags", api.cuEventRecordWithFlags) &&
        resolve(library, "cuEventSynchronize", api.cuEventSynchronize) &&
        resolve(library, "cuMemAllocHost_v2", api.cuMemAllocHost) &&
        resolve(library, "cuMemFreeHost", api.cuMemFreeHost) &&
        // Not cuda.h's _v2 (CUDA 12.8 on): a driver older than the kernels then still loads and
        // is refused with both versions named (cuda_selection.cpp), not a missing symbol.
        resolve(library, "cuEventElapsedTime", api.cuEventElapsedTime);
    if (!ok) {
        const char* why = dlerror();
        return fail("The NVIDIA driver is too old or incomplete", why ? why : "missing symbol");
    }
    return {};
}

Result<std::vector<CudaDeviceInfo>> query_devices(const DriverApi& api) {
    int count = 0;
    if (CUresult r = api.cuDeviceGetCount(&count); r != CUDA_SUCCESS) {
        return fail_cuda(api, "counting devices", r);
    }
    std::vector<CudaDeviceInfo> devices;
    for (int ordinal = 0; ordinal < count; ++ordinal) {
        CUdevice device = 0;
        char name[256] = {};
        std::size_t memory = 0;
        CudaDeviceInfo info;
        info.ordinal = ordinal;
        CUresult r = api.cuDeviceGet(&device, ordinal);
        if (r == CUDA_SUCCESS) r = api.cuDeviceGetName(name, sizeof name - 1, device);
        if (r == CUDA_SUCCESS) {
            r = api.cuDeviceGetAttribute(&info.compute_major,
                                         CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        }
        if (r == CUDA_SUCCESS) {
            r = api.cuDeviceGetAttribute(&info.compute_minor,
                                         CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        }
        if (r == CUDA_SUCCESS) r = api.cuDeviceTotalMem(&memory, device);
        if (r != CUDA_SUCCESS)
            return fail_cuda(api, "describing device " + std::to_string(ordinal), r);
        info.name = name;
        info.total_memory_bytes = memory;
        devices.push_back(std::move(info));
    }
    return devices;
}

} // namespace

std::unexpected<Error> fail_cuda(const DriverApi& api, std::string what, int result) {
    std::string message = "CUDA: " + what + " failed";
    if (breaks_the_context(result)) {
        return fail_needing_reload("The GPU stopped responding (CUDA fault)",
                                   message + ": " + error_text(api, result));
    }
    if (constexpr CUresult out_of_memory = 2; result == out_of_memory) {
        return fail_needing_reload("The GPU ran out of memory",
                                   message + ": " + error_text(api, result));
    }
    return fail(std::move(message), error_text(api, result));
}

Result<CudaDriver> CudaDriver::load(const std::string& library) {
    void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        return fail("No NVIDIA driver found", why ? why : library + " could not be loaded");
    }
    auto api = std::make_unique<DriverApi>();
    if (auto resolved = resolve_all(handle, *api); !resolved) {
        dlclose(handle);
        return std::unexpected(resolved.error());
    }
    CudaDriver driver(handle, std::move(api));
    const DriverApi& a = *driver.api_;
    if (CUresult r = a.cuInit(0); r != CUDA_SUCCESS) {
        return fail("The NVIDIA driver is installed but could not start",
                    "cuInit: " + error_text(a, r));
    }
    if (CUresult r = a.cuDriverGetVersion(&driver.driver_version_); r != CUDA_SUCCESS) {
        return fail_cuda(a, "reading the driver version", r);
    }
    auto devices = query_devices(a);
    if (!devices) return std::unexpected(devices.error());
    driver.devices_ = std::move(*devices);
    return driver;
}

CudaDriver::CudaDriver(void* library, std::unique_ptr<DriverApi> api)
    : library_(library), api_(std::move(api)) {}

CudaDriver::CudaDriver(CudaDriver&& other) noexcept
    : library_(std::exchange(other.library_, nullptr)), api_(std::move(other.api_)),
      driver_version_(other.driver_version_), devices_(std::move(other.devices_)) {}

CudaDriver& CudaDriver::operator=(CudaDriver&& other) noexcept {
    std::swap(library_, other.library_);
    std::swap(api_, other.api_);
    std::swap(driver_version_, other.driver_version_);
    std::swap(devices_, other.devices_);
    return *this;
}

CudaDriver::~CudaDriver() {
    if (library_) dlclose(library_);
}

Result<std::vector<float>> CudaDriver::run_vector_add(int ordinal,
                                                      std::span<const std::uint32_t> fatbin,
                                                      std::span<const float> a,
                                                      std::span<const float> b) {
    const DriverApi& api = *api_;
    if (a.size() != b.size()) return fail("CUDA: vector_add inputs differ in length");
    CUdevice device = 0;
    if (CUresult r = api.cuDeviceGet(&device, ordinal); r != CUDA_SUCCESS) {
        return fail_cuda(api, "opening device " + std::to_string(ordinal), r);
    }
    CUcontext context = nullptr;
    if (CUresult r = api.cuDevicePrimaryCtxRetain(&context, device); r != CUDA_SUCCESS) {
        return fail_cuda(api, "creating a context", r);
    }
    ScopeExit release_context([&] { api.cuDevicePrimaryCtxRelease(device); });
    if (CUresult r = api.cuCtxSetCurrent(context); r != CUDA_SUCCESS) {
        return fail_cuda(api, "activating the context", r);
    }
    CUmodule module = nullptr;
    if (CUresult r = api.cuModuleLoadData(&module, fatbin.data()); r != CUDA_SUCCESS) {
        return fail_cuda(api, "loading the kernels for this GPU", r);
    }
    ScopeExit unload([&] { api.cuModuleUnload(module); });
    CUfunction function = nullptr;
    if (CUresult r = api.cuModuleGetFunction(&function, module, "f32_vector_add");
        r != CUDA_SUCCESS) {
        return fail_cuda(api, "finding kernel f32_vector_add", r);
    }

    const std::size_t bytes = a.size_bytes();
    CUdeviceptr buffers[3] = {};
    ScopeExit free_buffers([&] {
        for (CUdeviceptr p : buffers) {
            if (p) api.cuMemFree(p);
        }
    });
    for (CUdeviceptr& p : buffers) {
        if (CUresult r = api.cuMemAlloc(&p, bytes); r != CUDA_SUCCESS) {
            return fail_cuda(api, "allocating device memory", r);
        }
    }
    CUresult r = api.cuMemcpyHtoD(buffers[0], a.data(), bytes);
    if (r == CUDA_SUCCESS) r = api.cuMemcpyHtoD(buffers[1], b.data(), bytes);
    if (r != CUDA_SUCCESS) return fail_cuda(api, "copying inputs to the device", r);

    auto count = static_cast<unsigned>(a.size());
    void* parameters[] = {&buffers[0], &buffers[1], &buffers[2], &count};
    constexpr unsigned block = 256;
    r = api.cuLaunchKernel(function, (count + block - 1) / block, 1, 1, block, 1, 1, 0, nullptr,
                           parameters, nullptr);
    if (r == CUDA_SUCCESS) r = api.cuCtxSynchronize();
    if (r != CUDA_SUCCESS) return fail_cuda(api, "running f32_vector_add", r);

    std::vector<float> result(a.size());
    if (r = api.cuMemcpyDtoH(result.data(), buffers[2], bytes); r != CUDA_SUCCESS) {
        return fail_cuda(api, "copying the result back", r);
    }
    return result;
}

} // namespace hearth::cuda

namespace hearth {

Result<CudaReport> probe_cuda() {
    auto driver = cuda::CudaDriver::load();
    if (!driver) return std::unexpected(driver.error());
    return CudaReport{driver->driver_version(), driver->devices()};
}

} // namespace hearth
