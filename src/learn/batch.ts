/** Turning contexts and questions into the model's grid inputs, and logits back into answers. */
import type { Answer } from '../core/answer';
import type { Encoding } from '../core/task';
import { NEG, type GridArrays, type ModelShape } from './model';

export type AnyEncoding = Encoding<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface EncodedContext {
  facts: Int32Array;
  classes: Int32Array;
}

/** Encodes contexts once and remembers them (contexts are objects; the cache lets them go). */
export class ContextEncoder {
  private cache = new WeakMap<object, EncodedContext>();
  constructor(readonly enc: AnyEncoding) {}
  get(ctx: unknown): EncodedContext {
    const key = ctx as object;
    let e = this.cache.get(key);
    if (!e) {
      e = { facts: this.enc.encodeFacts(ctx), classes: this.enc.factAnswerClass(ctx) };
      this.cache.set(key, e);
    }
    return e;
  }
}

export function shapeOf(enc: AnyEncoding): ModelShape {
  return {
    vocabSize: enc.vocabSize,
    maxFacts: enc.maxFacts,
    factTokens: enc.factTokens,
    questionTokens: enc.questionTokens,
    answerClasses: enc.answerClasses,
  };
}

/** The fact half of a grid for these contexts. */
export function factArrays(
  ce: ContextEncoder,
  shape: ModelShape,
  contexts: readonly unknown[],
): Omit<GridArrays, 'perContext' | 'questions'> {
  const c = contexts.length;
  const f = shape.maxFacts;
  const t = shape.factTokens;
  const v = shape.vocabSize;
  const facts = new Float32Array(c * f * t * v);
  const factMask = new Float32Array(c * f);
  const pointerMask = new Float32Array(c * f);
  const pointerClass = new Int32Array(c * f);
  contexts.forEach((ctx, ci) => {
    const e = ce.get(ctx);
    for (let fi = 0; fi < f; fi++) {
      let empty = true;
      for (let ti = 0; ti < t; ti++) {
        const tok = e.facts[fi * t + ti]!;
        if (tok !== 0) empty = false;
        facts[((ci * f + fi) * t + ti) * v + tok] = 1;
      }
      const cls = e.classes[fi] ?? -1;
      factMask[ci * f + fi] = empty ? NEG : 0;
      pointerMask[ci * f + fi] = empty || cls < 0 ? NEG : 0;
      pointerClass[ci * f + fi] = empty ? -1 : cls;
    }
  });
  return { contexts: c, facts, factMask, pointerMask, pointerClass };
}

/** One-hot questions laid out as C rows of Q slots; a null slot stays all zeros. */
export function questionArrays(
  enc: AnyEncoding,
  shape: ModelShape,
  rows: readonly (readonly (unknown | null)[])[],
  perContext: number,
): Float32Array {
  const t = shape.questionTokens;
  const v = shape.vocabSize;
  const out = new Float32Array(rows.length * perContext * t * v);
  rows.forEach((row, ci) => {
    row.forEach((q, qi) => {
      if (q === null || q === undefined) return;
      const toks = enc.encodeQuestion(q);
      const base = (ci * perContext + qi) * t * v;
      for (let ti = 0; ti < t; ti++) out[base + ti * v + toks[ti]!] = 1;
    });
  });
  return out;
}

/** Class scores of one logits row: head entries plus the pointer entries of facts carrying each class. */
export function decodeRow(
  logits: Float32Array,
  row: number,
  width: number,
  answerClasses: number,
  pointerClass: Int32Array,
  ctxIndex: number,
  maxFacts: number,
  pointer: boolean,
): number {
  const base = row * width;
  let m = -Infinity;
  for (let k = 0; k < width; k++) m = Math.max(m, logits[base + k]!);
  const p = new Float64Array(answerClasses + 1);
  for (let k = 0; k <= answerClasses; k++) p[k] = Math.exp(logits[base + k]! - m);
  if (pointer) {
    for (let f = 0; f < maxFacts; f++) {
      const cls = pointerClass[ctxIndex * maxFacts + f]!;
      if (cls >= 0 && cls < answerClasses)
        p[cls] = p[cls]! + Math.exp(logits[base + answerClasses + 1 + f]! - m);
    }
  }
  let best = 0;
  for (let k = 1; k <= answerClasses; k++) if (p[k]! > p[best]!) best = k;
  return best;
}

/** Target masks (0 on the entries that give the target class, −1e9 elsewhere) for a grid. */
export function targetMask(
  targets: readonly (number | null)[],
  perContext: number,
  width: number,
  answerClasses: number,
  pointerClass: Int32Array,
  maxFacts: number,
  pointer: boolean,
): { mask: Float32Array; weights: Float32Array } {
  const mask = new Float32Array(targets.length * width).fill(NEG);
  const weights = new Float32Array(targets.length);
  targets.forEach((cls, r) => {
    if (cls === null) return;
    weights[r] = 1;
    mask[r * width + cls] = 0;
    if (pointer && cls < answerClasses) {
      const ci = Math.floor(r / perContext);
      for (let f = 0; f < maxFacts; f++)
        if (pointerClass[ci * maxFacts + f] === cls) mask[r * width + answerClasses + 1 + f] = 0;
    }
  });
  return { mask, weights };
}

export interface Grouped {
  contexts: unknown[];
  rows: unknown[][];
  /** For each item: [context row, slot]. */
  where: [number, number][];
  perContext: number;
}

/** Groups (ctx, question) items by context (object identity), keeping order within a context. */
export function groupByContext(items: readonly { ctx: unknown; question: unknown }[]): Grouped {
  const index = new Map<unknown, number>();
  const contexts: unknown[] = [];
  const rows: unknown[][] = [];
  const where: [number, number][] = [];
  for (const it of items) {
    let ci = index.get(it.ctx);
    if (ci === undefined) {
      ci = contexts.length;
      index.set(it.ctx, ci);
      contexts.push(it.ctx);
      rows.push([]);
    }
    where.push([ci, rows[ci]!.length]);
    rows[ci]!.push(it.question);
  }
  const perContext = rows.reduce((m, r) => Math.max(m, r.length), 0);
  return { contexts, rows, where, perContext };
}

export type { Answer };
