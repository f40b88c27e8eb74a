#!/usr/bin/env bash
# On a lent GPU machine, with the kit from scripts/gpu-kit.sh carried in .dev (and, where the
# machine lacks them, the Vulkan loader packages in .gl): the Vulkan and CUDA kernel and
# full-model tests on the GPU, then hearth-bench on both backends over gpt-oss-20b's real shapes
# (every token routed to the same experts, and, with --routed, a second model routing each token
# its own way), beside the baselines' benches where the kit has them. With --sweep, Vulkan
# decode is also timed over several matvec workgroup shapes (hearth-bench --vulkan-matvec).
# Reports go to $OUT (or .dev/out); extra arguments after the flags go to hearth-bench. Each
# bench of the 20b takes 20-30 s on an H200: mind the device call's limit.
set -uo pipefail
cd "$(dirname "$0")/.."
kit=.dev
out=${OUT:-$kit/out}
mkdir -p "$out"
routed=0 sweep=0
while [ "${1:-}" = --routed ] || [ "${1:-}" = --sweep ]; do
    [ "$1" = --routed ] && routed=1
    [ "$1" = --sweep ] && sweep=1
    shift
done

if ! ldconfig -p | grep -q libvulkan; then
    for package in .gl/*.deb; do dpkg -x "$package" /; done
    ldconfig
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
for tests in hearth_vulkan_tests hearth_cuda_tests; do
    "$kit/bin/$tests" --gtest_brief=1 >"$out/$tests.txt" 2>&1
    status=$?
    echo "$tests: exit $status, $(grep -E '^\[  (PASSED|FAILED)' "$out/$tests.txt" | tr '\n' ' ')" |
        tee -a "$out/summary.txt"
done

models=(/tmp/20b-uniform.gguf)
"$kit/bin/make_tiny_model" --tokenizer "$fixtures/tokenizer.json" --sparse 20b \
    --out /tmp/20b-uniform.gguf
if [ "$routed" = 1 ]; then
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

# Decode alone (a short prompt) over matvec shapes; the first is the backend's own choice.
if [ "$sweep" = 1 ]; then
    for shape in "" expert_rows=1 expert_rows=4 invocations=64 expert_rows=4,invocations=64 \
        project_rows=2 project_rows=8; do
        report="$out/sweep-${shape:-default}.txt"
        "$kit/bin/hearth-bench" --model /tmp/20b-uniform.gguf --backend vulkan --prompt-tokens 64 \
            --gen-tokens 128 --depth 0 ${shape:+--vulkan-matvec "$shape"} >"$report" 2>&1
        echo "== sweep ${shape:-default}: exit $?" | tee -a "$out/summary.txt"
        grep -E '^ +[0-9]+ |timed on the device|^matvec' "$report" | tee -a "$out/summary.txt"
    done
fi
