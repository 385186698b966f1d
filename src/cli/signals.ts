/**
 * SIGTERM and SIGINT for the CLIs: the first asks the run to stop at its next check (between
 * small pieces of work), so what was finished is still written; another, a little later, ends the
 * process at once. The exit status is then 128 + the signal's number, as if the signal had ended
 * the process.
 */
import { constants } from 'node:os';
import type { SessionRoundMetrics, TrainingSession } from '../learn/session';

export interface StopRequest {
  /** The signal received, once one was. */
  readonly signal: NodeJS.Signals | null;
}

const state: { signal: NodeJS.Signals | null; at: number } = { signal: null, at: 0 };

/**
 * One signal often arrives twice: Ctrl-C reaches the whole process group and npm forwards it too;
 * `timeout` signals its group and npm forwards. Repeats this soon after the first are that one.
 */
const REPEAT_MS = 2000;
let installed = false;

/** Installs the handlers (once) and returns the live stop request. */
export function watchStopSignals(): StopRequest {
  if (!installed) {
    installed = true;
    for (const sig of ['SIGTERM', 'SIGINT'] as const)
      process.on(sig, () => {
        const code = 128 + (constants.signals[sig] ?? 15);
        if (state.signal) {
          if (Date.now() - state.at > REPEAT_MS) process.exit(code);
          return;
        }
        state.signal = sig;
        state.at = Date.now();
        process.exitCode = code;
        process.stderr.write(
          `\n${sig}: stopping after the current step; what is finished is written (again to quit at once)\n`,
        );
      });
  }
  return state;
}

/**
 * Lets the event loop run (signal handlers among others). tfjs's reads on the CPU and WASM
 * backends resolve without one, so a training loop must call this between its pieces of work.
 */
export const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Trains until the session's current round ends and evaluates it, in small pieces so that a stop
 * signal lands within one piece; null when stopped first.
 */
export async function trainRoundUnlessStopped(
  session: TrainingSession,
  stop: StopRequest,
): Promise<SessionRoundMetrics | null> {
  session.evaluateNextRound = true;
  for (;;) {
    const p = await session.train(5);
    await yieldToEvents();
    if (p.finished) return p.finished;
    if (stop.signal) return null;
  }
}
