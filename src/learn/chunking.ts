/**
 * How amplification's steps are grouped. The Amp(teacher) targets of a chunk of steps are
 * computed together (the same waves, a few read-backs per chunk); a chunk's questions are bounded
 * so its waves fit in memory. Each step's batch is whole contexts. The page's worker trains in
 * chunks timed to pause quickly, and the "auto" probe measures in the same chunks.
 */
import { GPU_BACKENDS } from './defaults';

/** Questions whose Amp(teacher) targets are computed together (a chunk of steps). */
export const MAX_CHUNK_QUESTIONS = 8192;

/**
 * The fewest steps whose Amp(teacher) targets are computed together, however few steps a chunk
 * trains: a wave has a fixed cost, so one-step chunks (the page on a slow CPU) paid ~9 waves a
 * step. Union find on wasm, CPU ms per example (scripts/wave-block-cost.ts, rounds 5-10): when a
 * chunk's steps were its block, 1 step 0.52, 5 steps 0.42, 10 steps 0.41; with blocks of 10,
 * one-step chunks 0.37 and ten-step chunks 0.35. The block's updates still run a chunk at a
 * time, so Pause waits for at most one block's waves.
 */
export const TARGET_BLOCK_STEPS = 10;

/** Steps in one chunk at `batchSize` questions a step. */
export function stepsPerChunk(batchSize: number): number {
  return Math.max(1, Math.floor(MAX_CHUNK_QUESTIONS / batchSize));
}

/** Contexts in one step's batch of `batchSize` questions, `perContext` of them on each context. */
export function contextsPerBatch(batchSize: number, perContext: number): number {
  return Math.max(1, Math.round(batchSize / perContext));
}

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
