import { chooseBackend } from '../../src/learn/backend';

let ready: Promise<unknown> | null = null;
/** The wasm backend, once per test file. */
export function useWasm(): Promise<unknown> {
  ready ??= chooseBackend(['wasm']);
  return ready;
}
