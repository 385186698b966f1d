/**
 * The "auto" backend probe's result, kept per browser (localStorage) so a later visit starts the
 * backend it measured instead of measuring again. The worker decides whether a kept result still
 * applies (its key names the tfjs version and device); this side only reads and writes it, and
 * never trusts what it reads: a missing, unreadable or malformed value counts as none.
 */
import { BACKEND_ORDER, type BackendName, type BackendProbe } from '../worker/protocol';

export const PROBE_STORAGE_KEY = 'amplab.backendProbe';

/** localStorage when the browser lets the page use it (private modes may throw on access). */
function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

const isBackend = (v: unknown): v is BackendName =>
  typeof v === 'string' && (BACKEND_ORDER as readonly string[]).includes(v);

/** A probe result from untrusted data (JSON text), or undefined when it is not one. */
export function parseProbe(text: string | null | undefined): BackendProbe | undefined {
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.key !== 'string' || !isBackend(o.backend) || typeof o.reason !== 'string') return undefined;
  const rates = o.examplesPerSecond;
  if (typeof rates !== 'object' || rates === null || Array.isArray(rates)) return undefined;
  const examplesPerSecond: Partial<Record<BackendName, number>> = {};
  for (const [b, r] of Object.entries(rates)) {
    if (!isBackend(b) || typeof r !== 'number' || !Number.isFinite(r)) return undefined;
    examplesPerSecond[b] = r;
  }
  return { key: o.key, backend: o.backend, reason: o.reason, examplesPerSecond };
}

/** The kept probe result, if there is a valid one. */
export function loadProbe(store: Storage | undefined = storage()): BackendProbe | undefined {
  try {
    return parseProbe(store?.getItem(PROBE_STORAGE_KEY));
  } catch {
    return undefined;
  }
}

/** Keeps a fresh probe result; a browser that refuses (private mode, full quota) just measures again next time. */
export function saveProbe(probe: BackendProbe, store: Storage | undefined = storage()): void {
  try {
    store?.setItem(PROBE_STORAGE_KEY, JSON.stringify(probe));
  } catch {
    // Nothing kept: the next visit measures again.
  }
}

/**
 * The backend's reason, short enough for the top bar on a projector: parenthesised detail is
 * left for the tooltip, except that a reused measurement says so.
 */
export function shortReason(reason: string, max = 60): string {
  const earlier = /measured earlier/.test(reason);
  let short = reason;
  // Innermost groups first, until none is left (a failure's message may hold its own).
  for (let before = ''; before !== short;) {
    before = short;
    short = short.replace(/\s*\([^()]*\)/g, '');
  }
  short = short.trim();
  if (earlier) short += ' (measured earlier)';
  return short.length > max ? `${short.slice(0, max - 1).trimEnd()}…` : short;
}
