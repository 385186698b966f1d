import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/experiment.ts', ...args], {
      cwd: process.cwd(),
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const cases: [string[], RegExp][] = [
  [['--task', 'nope'], /--task must be one of permutation/],
  [['--task', 'permutation', '--rounds', '0'], /--rounds must be an integer ≥ 1/],
  [['--task', 'permutation', '--until', '2'], /--until must be a number from 0 to 1/],
  [['--task', 'permutation', '--backend', 'gpu'], /--backend must be one of wasm, cpu/],
  [['--task', 'permutation', '--frobnicate'], /unknown flag --frobnicate/],
  [['--rounds', '3'], /--task is required/],
  [
    ['--task', 'permutation', '--size', '999'],
    /--size: size for permutation must be an integer from 2 to 64/,
  ],
  [['--task', 'permutation', '--seed'], /--seed needs a value/],
];

describe('experiment CLI flags', () => {
  it('rejects bad flags with one line on stderr, nothing on stdout, non-zero exit', async () => {
    const results = await Promise.all(cases.map(([args]) => run(args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
  }, 60_000);
});
