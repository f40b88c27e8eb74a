// The NVIDIA driver API, loaded at run time with dlopen so that no binary links against CUDA and
// the same build runs on machines without an NVIDIA driver.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hearth/error.h"
#include "hearth/gpu_devices.h"

namespace hearth::cuda {

struct DriverApi; // the resolved function table

// "CUDA: <what> failed", with the driver's name for `result` as the detail; for a fault that
// breaks the context, that the GPU stopped responding, and for memory, that it ran out (both
// needs_reload).
std::unexpected<Error> fail_cuda(const DriverApi& api, std::string what, int result);

class CudaDriver {
  public:
    // `library` is the soname to dlopen; tests point it at stubs or at nothing.
    static Result<CudaDriver> load(const std::string& library = "libcuda.so.1");
    CudaDriver(CudaDriver&&) noexcept;
    CudaDriver& operator=(CudaDriver&&) noexcept;
    ~CudaDriver();

    // CUDA version the driver supports, e.g. 13000 for 13.0.
    int driver_version() const { return driver_version_; }
    const std::vector<CudaDeviceInfo>& devices() const { return devices_; }
    // The resolved functions, for the one layer that runs the GPU (cuda_device.h).
    const DriverApi& api() const { return *api_; }

    // Loads `fatbin` on device `ordinal` and runs f32_vector_add over a and b. The smoke test of
    // the whole CUDA path: fatbin embedded at build time -> module -> launch -> copy back.
    Result<std::vector<float>> run_vector_add(int ordinal, std::span<const std::uint32_t> fatbin,
                                              std::span<const float> a, std::span<const float> b);

  private:
    CudaDriver(void* library, std::unique_ptr<DriverApi> api);
    void* library_ = nullptr;
    std::unique_ptr<DriverApi> api_;
    int driver_version_ = 0;
    std::vector<CudaDeviceInfo> devices_;
};

} // namespace hearth::cuda
