/**
 * How many training steps the page's worker runs between looks at its messages (a chunk): the
 * worker trains in these chunks, and the "auto" probe measures in them, so both use this rule.
 */
import { GPU_BACKENDS } from './defaults';

/**
 * Aim for chunks of this many ms: short enough to pause quickly, long enough to be efficient. On
 * a GPU a chunk's teacher waves and loss are read back once per chunk, so chunks are longer there
 * (a whole round of GPU_STEPS-sized steps, typically), still pausing well within a second.
 */
export const CHUNK_TARGET_MS = 120;
export const GPU_CHUNK_TARGET_MS = 400;
/** The most steps in a chunk. */
export const MAX_CHUNK_STEPS = 200;

/** The next chunk's steps on `backend`, after a chunk of `steps` steps took `elapsedMs`. */
export function nextChunkSteps(backend: string, steps: number, elapsedMs: number): number {
  const perStep = elapsedMs / Math.max(1, steps);
  const target = GPU_BACKENDS.includes(backend) ? GPU_CHUNK_TARGET_MS : CHUNK_TARGET_MS;
  return Math.max(1, Math.min(MAX_CHUNK_STEPS, Math.round(target / Math.max(perStep, 0.05))));
}
