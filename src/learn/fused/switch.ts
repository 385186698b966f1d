/**
 * The one switch for the fused ops in this folder. `dense`: a dense layer's product, bias and
 * activation run as one kernel (tfjs's _FusedMatMul), and products' gradients use the backend's
 * transposed products instead of explicit transposes where that is cheaper. `attention`: on
 * WebGPU, attention runs as hand-written WGSL programs (attention-webgpu.ts); elsewhere it runs
 * the same tfjs ops as without the switch.
 */
export interface FusedOps {
  dense: boolean;
  attention: boolean;
}

let current: FusedOps = { dense: true, attention: true };

export function fusedOps(): Readonly<FusedOps> {
  return current;
}

/** Changes the switch for the steps that follow (benchmarks and tests compare both settings). */
export function setFusedOps(next: Partial<FusedOps>): void {
  current = { ...current, ...next };
}
