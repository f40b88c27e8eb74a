#include "hearth/backend_survey.h"

#include <thread>

#include "backend/cuda/cuda_selection.h"
#include "backend/vulkan/vulkan_backend.h"

namespace hearth {

std::vector<BackendStatus> survey_backends() {
    std::vector<BackendStatus> statuses;
    const auto cuda = cuda::judge_cuda(probe_cuda(), cuda::built_cuda_kernels());
    statuses.push_back({"cuda", cuda.usable, cuda.usable ? cuda.device : cuda.reason});
    auto gpu = vk::preferred_vulkan_gpu();
    statuses.push_back({"vulkan", gpu.has_value(), gpu ? gpu->name : gpu.error().message});
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    statuses.push_back({"cpu", true, std::to_string(threads) + " threads"});
    return statuses;
}

} // namespace hearth
