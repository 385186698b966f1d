#!/bin/bash
# Device call 2 of ../shared/gpu-browser (a variant of its run.sh): several builds, tasks and URL
# settings in one call. Before the calls: `npm run build`, `bash ../shared/gpu-browser/prepare.sh`,
# an older build packed as .gpu-b/distold.tgz (top folder distold/) if it is to be compared, and
# this script copied to .gpu-b/. Call 1 as in that README; call 2, carry [".gpu-b"]:
#   ROUNDS=3 STEPS=10 CAP_S=25 bash .gpu-b/gpu-browser-matrix.sh
# Each line of MATRIX: name dist task backends url-extra. Results: $OUT/<name>/gpu-browser.json.
D=$(cd "$(dirname "$0")" && pwd); O=${OUT:-/tmp/out}; mkdir -p "$O"
[ -x /opt/chs/usr/lib/chromium/chromium-headless-shell ] || { echo "call 1's unpack is gone: make call 1 again"; exit 3; }
for t in common extra dist distold; do [ -f "$D/$t.tgz" ] && tar xzf "$D/$t.tgz" -C /opt/chs; done
export LD_LIBRARY_PATH=/opt/chs/libs:/opt/chs/glroot/usr/lib/x86_64-linux-gnu:/usr/local/nvidia/lib64:/usr/local/nvidia/lib:${LD_LIBRARY_PATH:-}
export FONTCONFIG_FILE=/opt/chs/fonts.conf EXTRA="--disable-vulkan-surface"
icd=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
[ -n "$icd" ] && export VK_ICD_FILENAMES="$icd" VK_DRIVER_FILES="$icd"
nvidia-smi -L 2>/dev/null; nproc
CH=/opt/chs/usr/lib/chromium/chromium-headless-shell
MATRIX=${MATRIX:-"new-perm dist permutation webgpu,wasm -
old-perm distold permutation webgpu -
new-perm-b512 dist permutation webgpu &batch=512
new-uf dist union-find webgpu,wasm,webgl -
new-uf-b512 dist union-find webgpu,webgl &batch=512"}
cd /opt/chs
while read -r name dist task backends extra; do
  [ -z "$name" ] && continue; [ "$extra" = - ] && extra=''
  [ -d "/opt/chs/$dist" ] || { echo "== $name: no build $dist, skipped"; continue; }
  mkdir -p "$O/$name"; echo "== $name"
  QEXTRA="$extra" CAP_S=${CAP_S:-30} timeout 200 python3 "$D/drive.py" "/opt/chs/$dist" "$CH" "$O/$name" "$task" \
    "${ROUNDS:-3}" "${STEPS:-10}" "$backends" 2>&1 | grep -v '^{"userAgent'
  pkill -f chromium-headless-shell; sleep 0.5
done <<< "$MATRIX"
echo matrix done
