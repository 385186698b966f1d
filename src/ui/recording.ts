/** Loads a task's recorded run from public/runs/ (relative to the page, so any sub-path works). */
import type { TaskId } from '../core/task';
import { validateRecording, type Recording } from '../core/run-format';

const cache = new Map<TaskId, Promise<Recording>>();

export function recordingUrl(task: TaskId): string {
  return new URL(`runs/${task}.json`, document.baseURI).href;
}

/** The validated recording, or a rejection whose message says (quietly) why there is none. */
export function loadRecording(task: TaskId): Promise<Recording> {
  let p = cache.get(task);
  if (!p) {
    p = fetch(recordingUrl(task))
      .then(async (res) => {
        if (!res.ok) throw new Error(`no recorded run for this task (HTTP ${res.status})`);
        const text = await res.text();
        if (text.length > 2_000_000) throw new Error('the recorded run is too large');
        return validateRecording(JSON.parse(text) as unknown, task);
      })
      .catch((err: unknown) => {
        cache.delete(task);
        const why =
          err instanceof SyntaxError
            ? 'it is not valid JSON'
            : err instanceof Error
              ? err.message
              : String(err);
        throw new Error(`The recorded run could not be shown (${why}); showing the live page.`);
      });
    cache.set(task, p);
  }
  return p;
}
