/// <reference lib="webworker" />
/**
 * The Web Worker that owns all tfjs work: it wires the training host (host.ts) to postMessage,
 * serves the wasm binaries, and, started under the probe's name, measures backends instead.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { backendStarter } from './backend-start';
import { loseGpu } from './device-watch';
import { createTrainingHost } from './host';
import { PROBE_WORKER_NAME, probeInWorker, serveProbe } from './probe';

const scope = self as unknown as DedicatedWorkerGlobalScope;

// The wasm binaries are bundled by Vite and served from this site (no network at run time).
// Hashed file names, so a per-file map rather than a folder prefix.
setWasmPaths({
  'tfjs-backend-wasm.wasm': new URL(wasmPlain, import.meta.url).href,
  'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, import.meta.url).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreaded, import.meta.url).href,
});

if (scope.name === PROBE_WORKER_NAME) {
  // A copy of this worker started by the "auto" probe measures backends instead of training.
  serveProbe(scope);
} else {
  const host = createTrainingHost({
    transport: {
      postMessage: (message) => scope.postMessage(message),
      listen: (receive) => {
        scope.onmessage = (event: MessageEvent) => receive(event.data);
      },
    },
    // Tests and benchmarks force WASM threads on or off by naming the worker
    // "…wasm-threads=on|off" (unset: backend.ts decides by the cores and isolation), and
    // "…probe=all" makes the auto probe measure software GPUs too.
    startBackend: backendStarter({
      backendOptions: {
        wasmThreads: /wasm-threads=on/.test(scope.name)
          ? true
          : /wasm-threads=off/.test(scope.name)
            ? false
            : undefined,
      },
      measure: (candidates, cfg) => probeInWorker(candidates, cfg),
      measureSoftwareGpus: /probe=all/.test(scope.name),
    }),
  });

  scope.addEventListener('unhandledrejection', (event) => {
    const reason: unknown = event.reason;
    host.fatal(`Unexpected error: ${reason instanceof Error ? reason.message : String(reason)}`);
  });

  // For browser tests, reachable only from a debugger or Playwright's worker.evaluate.
  (scope as unknown as { amplabTest: unknown }).amplabTest = { backend: () => tf.getBackend(), loseGpu };
}
