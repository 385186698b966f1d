/**
 * Node: the supervised baseline in a worker thread of its own, so that on two or more cores it
 * costs amplification no wall time (npm run experiment, bench, record).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TrainingSession, withBaselineFallback, type SessionConfig } from '../learn/session';
import { BaselineChannel } from '../learn/supervised';

/**
 * The thread loads TypeScript through tsx's loader, registered by a small bootstrap (so it works
 * whether or not the parent runs under tsx, and under vitest).
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx)
  .then((tsx) => { tsx.register(); return import(workerData.entry); })
  .catch((err) => { setImmediate(() => { throw err; }); });
`;

/** The file URL of tsx's ESM API (its package "exports", import condition). */
function tsxApiUrl(): string {
  const pkgFile = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const file = pkg.exports['./esm/api']?.import?.default;
  if (!file) throw new Error("tsx's package has no ESM API to load the baseline's thread with");
  return pathToFileURL(path.join(path.dirname(pkgFile), file)).href;
}

/** Starts the thread; close the channel (or end the process) to end it. */
export function startBaselineThread(): BaselineChannel {
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    // The thread registers tsx itself; flags such as --import tsx are not inherited twice.
    execArgv: [],
    workerData: {
      tsx: tsxApiUrl(),
      entry: new URL('./baseline-thread.ts', import.meta.url).href,
    },
  });
  // Keep the process alive only while a reply is awaited (see BaselinePort.hold).
  worker.unref();
  return new BaselineChannel({
    postMessage: (m) => worker.postMessage(m),
    listen: (onMessage, onError) => {
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', (code) => {
        if (code !== 0) onError(new Error(`it exited with code ${code}`));
      });
    },
    hold: (waiting) => (waiting ? worker.ref() : worker.unref()),
    close: () => void worker.terminate(),
  });
}

/**
 * A session whose supervised baseline trains behind `channel` (a thread), or inline when there is
 * no channel, the baseline is off, or the thread cannot build it (`warn` says why).
 */
export function createSession(
  config: SessionConfig,
  channel: BaselineChannel | undefined,
  warn: (why: string) => void,
): Promise<TrainingSession> {
  const baseline = config.supervised === false ? undefined : channel;
  return withBaselineFallback({ baseline }, warn, (options) => TrainingSession.create(config, options));
}
