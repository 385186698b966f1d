/**
 * Entry of the supervised baseline's Node worker thread (started by threads.ts): serves the
 * baseline on the thread's port, on the backend the session uses.
 */
import { parentPort } from 'node:worker_threads';
import { chooseBackend, type BackendName } from '../learn/backend';
import { serveBaseline } from '../learn/supervised';

const port = parentPort;
if (!port) throw new Error('baseline-thread.ts runs only as a worker thread');

serveBaseline(
  {
    postMessage: (m) => port.postMessage(m),
    listen: (onMessage) => void port.on('message', onMessage),
  },
  async (backend) => (await chooseBackend([backend as BackendName])).backend,
);
