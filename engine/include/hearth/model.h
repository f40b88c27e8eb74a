// A loaded gpt-oss model on a compute backend, and the token sequences run on it.
//
//   auto model = hearth::Model::load("gpt-oss-20b-mxfp4.gguf");
//   auto sequence = (*model)->new_sequence(4096);
//   (*sequence)->append(ids, logits);   // logits of the last position
//
// Threading: a Model may be shared between threads; a Sequence is used by one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/error.h"
#include "hearth/sampling.h"
#include "hearth/tokenizer.h"

namespace hearth {

// Bytes per second a memory streams: read alone (the limit of decoding, which reads weights and
// writes next to nothing) and copied (reads + writes, the figure other tools quote).
struct MemoryBandwidth {
    double read_bytes_per_second = 0;
    double copy_bytes_per_second = 0;
};

enum class BackendChoice { automatic, cpu, vulkan, cuda };

// "auto", "cpu", "vulkan" or "cuda".
Result<BackendChoice> parse_backend_choice(std::string_view name);

// How a GPU backend stores cached keys and values: f16 halves the memory (and the bytes attention
// reads) for a rounding error of about 1e-3; q8 halves it again, 8-bit codes with a
// scale per head and position, for an error of about 1/254 of each row's largest value, so longer
// contexts fit. The CPU backend always keeps f32.
enum class KvCachePrecision { f16, f32, q8 };

// "f16", "f32" or "q8".
Result<KvCachePrecision> parse_kv_cache_precision(std::string_view name);

// The Vulkan backend's shapes, in place of its own choice where not 0: for tuning on a GPU
// (hearth-bench --vulkan-tuning). Decode's matvec workgroups, and the prompt's batches.
struct VulkanTuning {
    std::uint32_t expert_rows = 0;  // output rows per workgroup of the experts' gate/up and down
    std::uint32_t down_rows = 0;    // the experts' down apart (0: `expert_rows`)
    std::uint32_t project_rows = 0; // output rows per workgroup of the other projections
    std::uint32_t invocations = 0;  // per workgroup: a power of two
    std::uint32_t expert_invocations = 0; // the experts' products apart (0: `invocations`)
    std::uint32_t batch_tokens = 0;       // a prompt's tokens per batch: a multiple of 32
    // One token's products read a row 16 bytes at a time, where its rows allow, rather than a
    // word (two for q8_0) at a time: 1 for every format, 0 for none (unset: the float formats).
    std::optional<bool> wide_units = std::nullopt;
    // One token's products after an RMSNorm read x normalized by a dispatch of its own, as a
    // batch's do, rather than each workgroup taking the norm in.
    bool separate_norms = false;
    // One token's MXFP4 products decode their codes with bit operations rather than look them up
    // in a table in shared memory (off: a driver may read the halves this makes of +-0.5 as 0).
    bool fp4_bits = false;
    // One token's MXFP4 and Q8_0 expert products read x as int8 codes (a dispatch quantizes it)
    // and take integer dot products (unset: off).
    std::optional<bool> int_dot = std::nullopt;
    // The same for a prompt batch's expert products.
    std::optional<bool> batch_int_dot = std::nullopt;
};

// "expert_rows=R,down_rows=R,project_rows=R,invocations=N,expert_invocations=N,batch_tokens=B,
// wide_units=0|1,separate_norms=0|1,fp4_bits=0|1,int_dot=0|1,batch_int_dot=0|1", any of them, in
// any order.
Result<VulkanTuning> parse_vulkan_tuning(std::string_view text);

// The CUDA backend's choices, in place of its own: for tuning on a GPU (hearth-bench
// --cuda-tuning).
struct CudaTuning {
    // One token's MXFP4 and Q8_0 expert products read x as int8 codes (a launch quantizes it)
    // and take integer dot products (__dp4a).
    bool int_dot = false;
};

// "int_dot=0|1".
Result<CudaTuning> parse_cuda_tuning(std::string_view text);

struct ModelOptions {
    BackendChoice backend = BackendChoice::automatic;
    unsigned threads = 0; // CPU backend worker threads; 0: one per hardware thread
    KvCachePrecision kv_cache = KvCachePrecision::f16;
    // Which Vulkan device runs the model (VulkanDeviceInfo::index) when the Vulkan backend is
    // chosen; none: the best GPU. Automatic selection with a device set tries that device.
    std::optional<std::uint32_t> vulkan_device = std::nullopt;
    // Called while the weights go to the GPU with the fraction done (0..1), from the loading
    // thread; returning false cancels the load (Model::load then fails with "cancelled").
    std::function<bool(double)> progress = {};
    VulkanTuning vulkan_tuning = {};
    CudaTuning cuda_tuning = {};
};

// GPU time of one kernel over a profiled decode step or prompt batch (hearth-bench on the Vulkan
// and CUDA backends).
struct KernelProfile {
    std::string kernel; // "matvec expert down", "attention", ...
    std::uint32_t dispatches = 0;
    double seconds = 0;
    std::uint64_t bytes = 0; // weights and cache entries it reads
};

// One sequence's KV cache on the model's backend (each backend implements this).
class Sequence {
  public:
    virtual ~Sequence() = default;
    virtual std::uint32_t length() const = 0;
    virtual std::uint32_t capacity() const = 0;
    // Runs `tokens` after the ones already held; writes the last position's logits into `logits`
    // (vocab_size() floats, or empty to skip them).
    virtual Result<void> append(std::span<const std::int32_t> tokens, std::span<float> logits) = 0;
    // Forgets positions >= keep; returns how many positions remain usable (possibly fewer).
    virtual std::uint32_t truncate(std::uint32_t keep) = 0;
    // Saves a copy of what the sliding-window layers hold for the window before length(), so a
    // later truncate() to here or past it keeps its positions up to here even after their rings
    // have moved on (a chat's next turn rewinds over the whole last answer). One point at a time;
    // a truncate() below it forgets it. Backends that cannot keep one save nothing.
    virtual Result<void> save_rewind_point();
    // Whether profile_step and profile_batch time kernels (a GPU backend; the CPU's refuse), so a
    // benchmark can skip filling a context it could not profile.
    virtual bool times_kernels() const;
    // Runs one more token as a decode step does, timing each kernel on the device: the token's
    // logits, and where the backend draws on the device, the next token drawn from them (with
    // the last draw's settings, or the defaults), which it does not return.
    virtual Result<std::vector<KernelProfile>> profile_step(std::int32_t token);
    // Runs `tokens` as one prompt batch (no logits) at the next positions, timing each kernel on
    // the device; a backend takes at most profile_batch_limit() and refuses more.
    virtual Result<std::vector<KernelProfile>> profile_batch(std::span<const std::int32_t> tokens);
    // The tokens of the backend's prompt batch (Vulkan: 256 unless tuned), the most
    // profile_batch takes; 0 where it refuses every batch.
    virtual std::uint32_t profile_batch_limit() const;

    // Sampling where the logits are, for backends on a device: only the drawn id comes back.
    // Whether append_and_sample() can apply `settings` (the others are the host's to apply).
    virtual bool samples_on_device(const SamplingSettings& settings) const;
    // Ids append_and_sample() never draws, one flag per vocabulary id; none until this is called.
    virtual Result<void> exclude_from_sampling(const std::vector<bool>& excluded);
    // Runs `tokens` like append(), then draws the next token from the last position's logits
    // as Sampler would (temperature, top-p and min-p, the draw in id order; the most likely token
    // when the temperature is 0), with `random` in [0, 1) as the draw.
    // With `next_random`, the backend may go on at once to run the token drawn and draw the one
    // after it with next_random (a step ahead), so the device need not wait while the caller
    // looks at this token: a next call with just that token, the same settings and next_random
    // as its `random` then only waits for it. Any other call first lets that step finish and
    // forgets it; the sequence's length never counts it.
    virtual Result<std::int32_t> append_and_sample(std::span<const std::int32_t> tokens,
                                                   const SamplingSettings& settings, float random,
                                                   std::optional<float> next_random);
    // How many append_and_sample() calls found their step already running ahead (0 where the
    // backend never steps ahead): whether a decode kept the device busy between tokens.
    virtual std::uint64_t steps_found_ahead() const;
};

class Model {
  public:
    // Opens and validates the file or folder, then prepares the backend. Errors name the file and
    // the problem, or say why the requested backend cannot be used.
    static Result<std::shared_ptr<Model>> load(const std::filesystem::path& path,
                                               const ModelOptions& options = {});
    virtual ~Model() = default;

    virtual std::string_view backend_name() const = 0;
    // Where the model runs, for people, and why when automatic selection tried a GPU backend
    // that failed: "CPU, 8 threads (Vulkan was not used: ...)", "Vulkan on ... (CUDA was not
    // used: ...)". (hearth-cli --version says why a backend was not tried.)
    virtual std::string backend_description() const = 0;
    // The model's own tokenizer (from the GGUF metadata or the folder's tokenizer.json).
    virtual const Tokenizer& tokenizer() const = 0;
    virtual std::uint32_t vocab_size() const = 0;
    virtual std::uint32_t context_length() const = 0;
    virtual Result<std::unique_ptr<Sequence>> new_sequence(std::uint32_t max_tokens) = 0;

    // Bytes of weights and KV cache one decoded token reads at `context` positions (the experts
    // a token uses, not all of them): the numerator of the memory-bandwidth limit.
    virtual std::uint64_t bytes_read_per_token(std::uint32_t context) const = 0;
    // The memory bandwidth of the device the model runs on, when the backend can measure it (a
    // GPU backend); the caller measures host memory otherwise.
    virtual Result<MemoryBandwidth> measure_device_bandwidth() const = 0;
    // Bytes of GPU memory the model holds now: its weights and the KV caches of its live
    // sequences (allocations the backend made, not the driver's own); 0 on the CPU backend.
    // Safe to call from any thread.
    virtual std::uint64_t device_memory_bytes() const = 0;
    // Bytes of GPU memory still free for this process (after what the model holds), as the
    // driver says when asked; none on the CPU backend or when the driver cannot say. For sizing
    // a context to the device.
    virtual std::optional<std::uint64_t> device_memory_free() const = 0;
};

} // namespace hearth
