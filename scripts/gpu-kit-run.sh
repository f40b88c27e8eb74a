#!/usr/bin/env bash
# On a lent GPU machine, with the kit from scripts/gpu-kit.sh carried in .dev (and, where the
# machine lacks them, the Vulkan loader packages in .gl): the Vulkan and CUDA kernel and
# full-model tests on the GPU, then hearth-bench on both backends over gpt-oss-20b's real shapes
# (every token routed to the same experts, and, with --routed, a second model routing each token
# its own way), beside the baselines' benches and llama.cpp's (.dev/peer/*.xz) where the kit
# has them, and the kit's Vulkan once more with int_dot=1,batch_int_dot=1 and its CUDA with
# int_dot=1. With --sweep, Vulkan is also timed
# over several matvec workgroup shapes and prompt batch sizes (hearth-bench --vulkan-tuning);
# --sweep-only does just that, without the tests and the comparison. Reports go to $OUT (or .dev/out); extra arguments after the flags go
# to the compared benches. Each bench of the 20b takes 20-30 s on an H200 (the sweep's 12 runs
# about 6 minutes): mind the device call's limit, and split the work over two calls where it
# does not fit.
set -uo pipefail
cd "$(dirname "$0")/.."
kit=.dev
out=${OUT:-$kit/out}
mkdir -p "$out"
routed=0 sweep=0 compare=1
while :; do
    case "${1:-}" in
    --routed) routed=1 ;;
    --sweep) sweep=1 ;;
    --sweep-only) sweep=1 compare=0 ;;
    *) break ;;
    esac
    shift
done

if ! grep -q libvulkan <(ldconfig -p); then
    for package in .gl/*.deb; do dpkg -x "$package" /; done
    ldconfig
fi
if ! grep -q libicuuc.so.72 <(ldconfig -p); then
    mkdir -p /tmp/hearth-icu && tar -C /tmp/hearth-icu -xJf "$kit/icu/icu72.tar.xz"
    export LD_LIBRARY_PATH=/tmp/hearth-icu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$nvidia_icd" ] && export VK_DRIVER_FILES=$nvidia_icd
# The test binaries open the reference goldens in the source tree, and the fixture models in the
# build tree, where the kit was built: that path leads here, and the fixtures are written there.
source_dir=$(cat "$kit/SOURCE_DIR") fixtures=$(cat "$kit/FIXTURE_DIR")
if [ ! "$source_dir" -ef "$PWD" ]; then
    mkdir -p "$(dirname "$source_dir")"
    ln -sfn "$PWD" "$source_dir"
fi
mkdir -p "$fixtures"
gzip -dc tests/fixtures/tokenizer/gpt-oss-tokenizer.json.gz >"$fixtures/tokenizer.json"
"$kit/bin/make_tiny_model" --tokenizer "$fixtures/tokenizer.json" --out "$fixtures/tiny"

echo "kit built at $(cat "$kit/COMMIT"); $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader)" |
    tee "$out/summary.txt"
if [ "$compare" = 1 ]; then
    for tests in hearth_vulkan_tests hearth_cuda_tests; do
        "$kit/bin/$tests" --gtest_brief=1 >"$out/$tests.txt" 2>&1
        status=$?
        echo "$tests: exit $status, $(grep -E '^\[  (PASSED|FAILED)' "$out/$tests.txt" |
            tr '\n' ' ')" | tee -a "$out/summary.txt"
    done
fi

models=(/tmp/20b-uniform.gguf)
"$kit/bin/make_tiny_model" --tokenizer "$fixtures/tokenizer.json" --sparse 20b \
    --out /tmp/20b-uniform.gguf
if [ "$routed" = 1 ] && [ "$compare" = 1 ]; then
    models+=(/tmp/20b-routed.gguf)
    "$kit/bin/make_tiny_model" --tokenizer "$fixtures/tokenizer.json" --sparse 20b \
        --routing per-token --out /tmp/20b-routed.gguf
fi
# The kit's bench, and each baseline's (gpu-kit.sh REVISION...) in turns on the same machine:
# the kit's runs first and again last, so drift in the machine shows between its two runs.
benches=("$kit/bin/hearth-bench") labels=("$(cat "$kit/COMMIT")")
for base in "$kit"/base/*/hearth-bench; do
    [ -x "$base" ] || continue
    benches+=("$base")
    labels+=("$(basename "$(dirname "$base")")")
done
order=("${!benches[@]}")
[ "${#benches[@]}" -gt 1 ] && order+=(0)
[ "$compare" = 1 ] || models=()
# Extra arguments go to every bench, the baselines' too (which may not know a newer flag).
for model in "${models[@]}"; do
    for backend in vulkan cuda; do
        for turn in "${!order[@]}"; do
            i=${order[$turn]}
            name=$(basename "$model" .gguf)
            report="$out/bench-$backend-$name-$turn-${labels[$i]}.txt"
            "${benches[$i]}" --model "$model" --backend "$backend" --prompt-tokens 2048 \
                --gen-tokens 128 --depth 0 "$@" >"$report" 2>&1
            status=$?
            echo "== $backend $name, bench of ${labels[$i]}: exit $status" | tee -a "$out/summary.txt"
            grep -E 'tokens/s|^ +[0-9]+ ' "$report" | tee -a "$out/summary.txt"
        done
    done
done

# The kit's backends once more with the products over int8 x (off by default; Vulkan: one
# token's and a batch's, CUDA: one token's), so the first call already says whether they are
# faster there.
if [ "$compare" = 1 ]; then
    for tuning in "vulkan --vulkan-tuning int_dot=1,batch_int_dot=1" "cuda --cuda-tuning int_dot=1"; do
        read -r backend flag items <<<"$tuning"
        report="$out/bench-$backend-int-dot.txt"
        "$kit/bin/hearth-bench" --model /tmp/20b-uniform.gguf --backend "$backend" \
            --prompt-tokens 2048 --gen-tokens 128 --depth 0 "$flag" "$items" "$@" >"$report" 2>&1
        echo "== $backend 20b-uniform, kit's bench with $items: exit $?" | tee -a "$out/summary.txt"
        grep -E 'tokens/s|^ +[0-9]+ ' "$report" | tee -a "$out/summary.txt"
    done
fi

# The peers, where the kit has them: llama.cpp's llama-bench for Vulkan (peer/llama-bench.xz)
# and for CUDA (peer/llama-bench-cuda.xz, which needs the machine's CUDA 13 runtime, cuBLAS and
# NCCL), built elsewhere from llama.cpp's source and never committed. They are carried
# xz-compressed and unpacked outside the kit; the two together exceed what one call carries, so
# each goes in a call of its own. Same model and lengths, with llama.cpp's flash attention.
for packed in "$kit"/peer/*.xz; do
    [ -f "$packed" ] || continue
    name=$(basename "$packed" .xz)
    peer=/tmp/hearth-peer/$name
    { mkdir -p /tmp/hearth-peer && xz -dc "$packed" >"$peer" && chmod +x "$peer"; } || continue
    report="$out/peer-$name.txt"
    LD_LIBRARY_PATH=/usr/local/cuda/lib64:/usr/local/cuda/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
        "$peer" -m /tmp/20b-uniform.gguf -ngl 99 -fa 1 -p 2048 -n 128 -r 2 >"$report" 2>&1
    echo "== $name on 20b-uniform: exit $?" | tee -a "$out/summary.txt"
    grep -E '^\|' "$report" | tee -a "$out/summary.txt"
done

# Decode alone (a short prompt) over matvec shapes, then the prompt over batch sizes; the first
# of each is the backend's own choice.
if [ "$sweep" = 1 ]; then
    sweep_run() { # name, prompt tokens, generated tokens, tuning
        local report="$out/sweep-$1.txt"
        "$kit/bin/hearth-bench" --model /tmp/20b-uniform.gguf --backend vulkan \
            --prompt-tokens "$2" --gen-tokens "$3" --depth 0 ${4:+--vulkan-tuning "$4"} \
            >"$report" 2>&1
        echo "== sweep $1: exit $?" | tee -a "$out/summary.txt"
        grep -E '^ +[0-9]+ |timed on the device|^matvec|^matmul' "$report" |
            tee -a "$out/summary.txt"
    }
    for shape in "" fp4_bits=1 wide_units=0 expert_rows=4 down_rows=4 separate_norms=1 \
        expert_rows=4,separate_norms=1 int_dot=1 int_dot=1,separate_norms=1; do
        sweep_run "decode-${shape:-default}" 64 128 "$shape"
    done
    for batch in "" batch_int_dot=1 batch_int_dot=1,batch_tokens=512; do
        sweep_run "prompt-${batch:-default}" 2048 8 "$batch"
    done
fi

# The device tool brings back at most 8 files: the reports go back as one.
for report in "$out"/bench-*.txt "$out"/peer-*.txt "$out"/sweep-*.txt; do
    [ -f "$report" ] || continue
    echo "#### $(basename "$report")"
    cat "$report"
    rm "$report"
done >"$out/reports.txt"
