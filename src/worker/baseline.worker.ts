/// <reference lib="webworker" />
/**
 * The supervised baseline's own Web Worker, so that on two or more cores it costs the training
 * worker no wall time. The page (client.ts) connects it to the training worker with a
 * MessageChannel; from then on the training worker's session drives it (see learn/supervised.ts).
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { chooseBackend, type BackendName } from '../learn/backend';
import { serveBaseline } from '../learn/supervised';

const scope = self as unknown as DedicatedWorkerGlobalScope;

// As in the training worker: the wasm binaries are bundled and served from this site.
setWasmPaths({
  'tfjs-backend-wasm.wasm': new URL(wasmPlain, import.meta.url).href,
  'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, import.meta.url).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreaded, import.meta.url).href,
});

/** The training worker's backend first, then the CPU ones; WASM single-threaded (the cores are shared). */
async function prepare(backend: string): Promise<string> {
  const order = [backend as BackendName, 'wasm', 'cpu'].filter(
    (b, i, all): b is BackendName => all.indexOf(b) === i,
  );
  return (await chooseBackend(order, { wasmThreads: false })).backend;
}

let connected = false;
scope.onmessage = (event: MessageEvent<{ type?: string; port?: MessagePort }>) => {
  const port = event.data?.port;
  if (event.data?.type !== 'connect' || !port || connected) return;
  connected = true;
  serveBaseline(
    {
      postMessage: (m) => port.postMessage(m),
      listen: (onMessage) => {
        port.onmessage = (e: MessageEvent) => onMessage(e.data);
      },
    },
    prepare,
  );
};
