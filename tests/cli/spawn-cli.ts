import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx <script> <args…>` from the project root, as the npm scripts do. */
export function runScript(script: string, args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Bad flags: each case exits non-zero with one line on stderr matching its pattern, and nothing on stdout. */
export async function expectRejected(script: string, cases: [string[], RegExp][]): Promise<void> {
  const results = await Promise.all(cases.map(([args]) => runScript(script, args)));
  results.forEach((r, i) => {
    expect(r.code, cases[i]![0].join(' ')).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(cases[i]![1]);
  });
}

export interface SignalledRun extends CliRun {
  /** Whether `ready` matched, so SIGTERM was sent. */
  signalled: boolean;
  /** Seconds from the signal until npm and every process it had started were gone. */
  secondsToGone: number;
  /** npm's descendants (pid and command) still alive once npm had exited: orphans. */
  orphans: string[];
}

/** Every process's parent and command line, from /proc (Linux). */
function processTable(): { pid: number; ppid: number; command: string }[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        // "pid (comm) state ppid …": comm may hold spaces and parentheses.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
        return [{ pid: Number(name), ppid, command }];
      } catch {
        return []; // ended while being read
      }
    });
}

/** npm's descendants (pid and command line). */
function descendants(root: number): { pid: number; command: string }[] {
  const rows = processTable();
  const found: { pid: number; command: string }[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.pop()!;
    for (const r of rows.filter((r) => r.ppid === parent)) {
      found.push({ pid: r.pid, command: r.command });
      queue.push(r.pid);
    }
  }
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Runs `npm run <script> -- <args…>` as a user or a process manager would, and once `ready`
 * matches its output sends SIGTERM to the npm process alone (not its group). Resolves when npm
 * has exited and its descendants are gone, or `graceSeconds` after npm exited (those left are
 * reported as orphans, then killed).
 */
export function npmRunUntilSignalled(
  script: string,
  args: string[],
  ready: RegExp,
  graceSeconds = 3,
): Promise<SignalledRun> {
  const npm = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: process.cwd() });
  let stdout = '';
  let stderr = '';
  let signalledAt = 0;
  let started: { pid: number; command: string }[] = [];
  const check = (): void => {
    if (signalledAt || !ready.test(stdout + stderr)) return;
    started = descendants(npm.pid!);
    signalledAt = Date.now();
    npm.kill('SIGTERM');
  };
  npm.stdout.on('data', (d) => {
    stdout += d;
    check();
  });
  npm.stderr.on('data', (d) => {
    stderr += d;
    check();
  });
  // A bound on liveness, not a timing figure: a run that ignores the signal is killed here.
  const hardStop = setTimeout(() => {
    for (const d of descendants(npm.pid!)) process.kill(d.pid, 'SIGKILL');
    npm.kill('SIGKILL');
  }, 90_000);
  // The orphans hold npm's stdout and stderr: what they print is read until they are gone too.
  const closed = new Promise<void>((resolve) => npm.on('close', () => resolve()));
  return new Promise((resolve) =>
    npm.on('exit', (code) => {
      clearTimeout(hardStop);
      const deadline = Date.now() + graceSeconds * 1000;
      const poll = (): void => {
        const left = started.filter((d) => alive(d.pid));
        if (left.length > 0 && Date.now() < deadline) return void setTimeout(poll, 50);
        const secondsToGone = (Date.now() - signalledAt) / 1000;
        for (const d of left) process.kill(d.pid, 'SIGKILL');
        const orphans = left.map((d) => `${d.pid} ${d.command}`);
        void closed.then(() =>
          resolve({ code, stdout, stderr, signalled: signalledAt > 0, secondsToGone, orphans }),
        );
      };
      poll();
    }),
  );
}

/** The first line of what `parse(args)` threw (a CLI prints that line), or undefined if nothing was thrown. */
export function firstLineThrown(parse: (args: string[]) => unknown, args: string[]): string | undefined {
  try {
    parse(args);
  } catch (err) {
    return (err instanceof Error ? err.message : String(err)).split('\n')[0];
  }
  return undefined;
}
