/**
 * Browser only: lets tfjs-backend-wasm's threaded build start from a bundle.
 *
 * The backend starts its pthread workers from a Blob made of
 * `"var WasmBackendModuleThreadedSimd = " + factory.toString()`. Once a bundler has minified the
 * factory, its source refers to variables of the scope around it (Emscripten's `_scriptDir`,
 * renamed `e`), so every pthread worker throws "ReferenceError: e is not defined" and the backend
 * never starts. Here the factory gets a `toString` that returns the package's own file, which is
 * self-contained, wrapped to evaluate to the factory.
 */
import threadedFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';

let repaired = false;

/** Idempotent. Loads the original source (its own chunk, fetched only when threads can be used). */
export async function repairThreadedWasm(): Promise<void> {
  if (repaired) return;
  const { default: source } =
    await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw');
  const factory = threadedFactory as unknown as { toString: () => string };
  if (typeof factory !== 'function') throw new Error('the threaded wasm factory was not found');
  // The file declares `var WasmBackendModuleThreadedSimd`; `exports`, `module` and `define` are
  // undefined in a pthread worker, so its export lines do nothing there.
  const wrapped = `(function () {\n${source}\n;return WasmBackendModuleThreadedSimd;\n})()`;
  Object.defineProperty(factory, 'toString', { value: () => wrapped, configurable: true });
  repaired = true;
}
