import type * as tf from '@tensorflow/tfjs';

/**
 * The part of tfjs-backend-webgpu's WebGPUProgram our WGSL programs fill in (`size` and
 * `uniforms` where a program has uniforms of its own).
 */
export interface WebGpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size?: boolean;
  uniforms?: string;
  getUserCode: () => string;
}

/** The webgpu backend, as our kernels call it. */
export interface WebGpuBackendLike {
  runWebGPUProgram(
    program: WebGpuProgram,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: { type: string; data: number[] }[],
  ): tf.TensorInfo;
}
