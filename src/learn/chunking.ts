/**
 * How amplification's steps are grouped. The Amp(teacher) targets of a chunk of steps are
 * computed together (the same waves, a few read-backs per chunk); a chunk's questions are bounded
 * so its waves fit in memory. Each step's batch is whole contexts.
 */

/** Questions whose Amp(teacher) targets are computed together (a chunk of steps). */
export const MAX_CHUNK_QUESTIONS = 8192;

/** Steps in one chunk at `batchSize` questions a step. */
export function stepsPerChunk(batchSize: number): number {
  return Math.max(1, Math.floor(MAX_CHUNK_QUESTIONS / batchSize));
}

/** Contexts in one step's batch of `batchSize` questions, `perContext` of them on each context. */
export function contextsPerBatch(batchSize: number, perContext: number): number {
  return Math.max(1, Math.round(batchSize / perContext));
}
