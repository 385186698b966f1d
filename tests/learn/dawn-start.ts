/**
 * For a check script that runOnDawn (./dawn.ts) runs: starts tfjs on WebGPU and returns its
 * adapter ("vendor architecture"); when WebGPU cannot start, prints `{ error }` as the script's
 * JSON line and exits, so the test can say why.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src/learn/backend';

export async function startWebGpu(): Promise<string> {
  try {
    await chooseBackend(['webgpu']);
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }) + '\n');
    process.exit(0);
  }
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } })
    .adapterInfo;
  return `${info?.vendor ?? ''} ${info?.architecture ?? ''}`.trim();
}
