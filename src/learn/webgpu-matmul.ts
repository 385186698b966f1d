import * as tf from '@tensorflow/tfjs';
import { isSoftwareGpu } from './device';

/** tfjs-backend-webgpu's MatMulProgramType.MatMulSmallOutputSizeProgram. */
const SMALL_OUTPUT_SIZE_PROGRAM = 2;

/**
 * On a software adapter (SwiftShader…), every matmul takes tfjs's small-output-size program.
 * tfjs picks its reduce program for outputs of ≤ 128 values (256 threads and barriers per value),
 * made for a real GPU's idle cores; a CPU runs it as a loop: measured in Node/Dawn on SwiftShader,
 * a [4,32]×[32,32] product took ~430 ms, and a one-step wildcard round of the small model ~30 s
 * against ~4 s with this program (the packed program's shaders took 80 s to compile). A hardware
 * adapter keeps tfjs's own choice. Returns whether the program was set.
 */
export function adaptMatMulToAdapter(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } })
    .adapterInfo;
  const software = isSoftwareGpu(`${info?.vendor ?? ''} ${info?.architecture ?? ''}`);
  tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', software ? SMALL_OUTPUT_SIZE_PROGRAM : -1);
  return software;
}
