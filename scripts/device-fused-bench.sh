#!/usr/bin/env bash
# Device check for the fused ops (src/learn/fused) on a real GPU, in Node: first whether they give
# the unfused ops' values and gradients to 1e-4 on its WebGPU (Dawn, the GPU's Vulkan driver), then
# training examples/s and dispatches per example with the fused ops none / dense / all, on webgpu
# and on wasm, at the tasks' batch size and at 1024. Expects .gpu/ as device-webgpu-bench.sh does,
# plus check.mjs (tests/learn/fused-webgpu-check.ts bundled the same way) and wasm/ (the
# package.json and .wasm files of @tensorflow/tfjs-backend-wasm). Writes JSON under $OUT.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/out}; mkdir -p "$out"
# The Debian packages the NVIDIA Vulkan driver needs: in ../.gl/ (as device-webgpu-bench.sh) or gl/.
for f in "$here"/../.gl/*.deb "$here"/gl/*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done; ldconfig
unpack() { xz -dc "$1" > "$2" 2>/dev/null || python3 -c "import lzma,sys,shutil; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$1" "$2"; }
unpack "$here/node.xz" /tmp/node && chmod +x /tmp/node
mkdir -p "$here/node_modules/webgpu/dist/linux-x64" "$here/node_modules/@tensorflow/tfjs-backend-wasm/dist"
unpack "$here/dawn.xz" "$here/node_modules/webgpu/dist/linux-x64/dawn.node"
cp "$here/index.js" "$here/package.json" "$here/node_modules/webgpu/"
cp "$here/wasm/package.json" "$here/node_modules/@tensorflow/tfjs-backend-wasm/"
cp "$here"/wasm/*.wasm "$here/node_modules/@tensorflow/tfjs-backend-wasm/dist/"
touch "$here/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js"
cp "$here/bench.mjs" "$here/check.mjs" "$here/node_modules/"
{ nvidia-smi -L; nproc; } > "$out/env.txt" 2>&1
export LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/nvidia/lib:${LD_LIBRARY_PATH:-}
icd=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
[ -n "$icd" ] && export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"
echo "icd=$icd" >> "$out/env.txt"
cd "$here/node_modules"
[ "${CHECK:-1}" = 1 ] && { timeout 100 /tmp/node check.mjs > "$out/check.json" 2> "$out/check.log"; echo "check exit $?" >> "$out/env.txt"; }
# One JSON line per run in results.jsonl, all logs in bench.log (few files: the device returns only a few).
run() { # backend batch fused
  local b=$1 batch=$2 fused=$3 extra=()
  [ "$batch" != default ] && extra+=(--batch-size "$batch")
  [ "${QUICK:-1}" = 1 ] && extra+=(--quick)
  echo "== $b batch $batch fused $fused" >> "$out/bench.log"
  timeout "${RUN_LIMIT:-75}" /tmp/node bench.mjs --backends "$b" --throughput-only --json \
    --tasks "${TASKS:-assignments,wildcard,permutation}" --fused "$fused" "${extra[@]}" --out /tmp/raw \
    >> "$out/results.jsonl" 2>> "$out/bench.log"
  echo "$b batch $batch fused $fused exit $?" >> "$out/env.txt"
}
# Settings interleaved, REPS times over, so drift in the machine's speed falls on all of them
# (WEBGPU_BATCHES or WASM_BATCHES set empty skips that backend).
for rep in $(seq "${REPS:-1}"); do
  for batch in ${WEBGPU_BATCHES-1024 default}; do
    for fused in ${WEBGPU_FUSED:-none dense all}; do run webgpu "$batch" "$fused"; done
  done
  for batch in ${WASM_BATCHES-1024 default}; do
    for fused in ${WASM_FUSED:-none all}; do run wasm "$batch" "$fused"; done
  done
done
cat "$out/env.txt"; grep -v '^    at' "$out/bench.log" | tail -n 60
