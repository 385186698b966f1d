/**
 * Keeps the current run in IndexedDB (one record, replaced after every round), so a reload
 * restores it. A thin promise wrapper; every failure (private mode, quota, no IndexedDB) is
 * reported to the caller, never thrown at the page.
 */
import { validateRun, type RunFile } from '../core/run-format';

const DB = 'amplification-lab';
const STORE = 'runs';
const KEY = 'current';

let connection: Promise<IDBDatabase> | undefined;

/** One connection for the page's lifetime (reopened if it fails or is closed). */
function open(): Promise<IDBDatabase> {
  connection ??= connect().then(
    (db) => {
      db.onclose = () => (connection = undefined);
      db.onversionchange = () => {
        db.close();
        connection = undefined;
      };
      return db;
    },
    (err: unknown) => {
      connection = undefined;
      throw err;
    },
  );
  return connection;
}

function connect(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('IndexedDB is not available'));
      return;
    }
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
    req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest,
): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result as T);
    tx.onerror = () => reject(tx.error ?? req.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export function saveRun(run: RunFile): Promise<void> {
  return withStore<unknown>('readwrite', (s) => s.put(run, KEY)).then(() => undefined);
}

/** The kept run, validated like an import; undefined when there is none (or it is unreadable). */
export async function loadRun(): Promise<RunFile | undefined> {
  const v = await withStore<unknown>('readonly', (s) => s.get(KEY));
  if (v === undefined) return undefined;
  try {
    return validateRun(v);
  } catch {
    return undefined;
  }
}

export function clearRun(): Promise<void> {
  return withStore<unknown>('readwrite', (s) => s.delete(KEY)).then(() => undefined);
}
