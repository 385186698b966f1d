import { spawn } from 'node:child_process';
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
