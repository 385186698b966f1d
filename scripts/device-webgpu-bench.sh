#!/usr/bin/env bash
# Device check: WebGPU training throughput of the workshop models in Node (Dawn) on a real GPU.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/out}; mkdir -p "$out"
for f in "$here"/../.gl/*.deb; do dpkg -x "$f" /; done; ldconfig
unpack() { xz -dc "$1" > "$2" 2>/dev/null || python3 -c "import lzma,sys,shutil; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$1" "$2"; }
unpack "$here/node.xz" /tmp/node && chmod +x /tmp/node
mkdir -p "$here/node_modules/webgpu/dist/linux-x64"
unpack "$here/dawn.xz" "$here/node_modules/webgpu/dist/linux-x64/dawn.node"
cp "$here/index.js" "$here/package.json" "$here/node_modules/webgpu/"
cp "$here/bench.mjs" "$here/node_modules/bench.mjs"
{ nvidia-smi -L; /tmp/node --version; ls /usr/local/nvidia/share/vulkan/icd.d/ /usr/share/vulkan/icd.d/ /etc/vulkan/icd.d/ 2>&1; } > "$out/env.txt" 2>&1
export LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/nvidia/lib:${LD_LIBRARY_PATH:-}
icd=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
[ -n "$icd" ] && export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"
echo "icd=$icd" >> "$out/env.txt"
cd "$here/node_modules"
/tmp/node -e "import('webgpu').then(async ({create,globals})=>{Object.assign(globalThis,globals);const a=await create([]).requestAdapter();console.log(JSON.stringify(a&&a.info?{vendor:a.info.vendor,architecture:a.info.architecture,description:a.info.description}:null));process.exit(0)})" >> "$out/env.txt" 2>&1
timeout 240 /tmp/node bench.mjs --backends webgpu --throughput-only --json --out "$out" "$@" > "$out/throughput.json" 2> "$out/bench.log"
echo "bench exit $?" >> "$out/env.txt"
timeout 240 /tmp/node bench.mjs --backends webgpu --throughput-only --json --batch-size 1024 --out "$out" "$@" > "$out/throughput-1024.json" 2> "$out/bench-1024.log"
echo "bench 1024 exit $?" >> "$out/env.txt"
cat "$out/env.txt"; tail -n 20 "$out/bench.log" "$out/bench-1024.log"
