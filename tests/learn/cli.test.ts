import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectRejected } from '../cli/spawn-cli';

const cases: [string[], RegExp][] = [
  [['--task', 'nope'], /--task must be one of permutation/],
  [['--task', 'permutation', '--rounds', '0'], /--rounds must be an integer ≥ 1/],
  [['--task', 'permutation', '--until', '2'], /--until must be a number from 0 to 1/],
  [['--task', 'permutation', '--backend', 'gpu'], /--backend must be one of wasm, cpu/],
  [['--task', 'permutation', '--frobnicate'], /unknown flag --frobnicate/],
  [['--task', 'permutation', '--overseer', 'robot'], /--overseer must be one of hand, learned/],
  [['--rounds', '3'], /--task is required/],
  [
    ['--task', 'permutation', '--size', '999'],
    /--size: size for permutation must be an integer from 2 to 64/,
  ],
  [['--task', 'permutation', '--seed'], /--seed needs a value/],
];

describe('experiment CLI flags', () => {
  it('rejects bad flags with one line on stderr, nothing on stdout, non-zero exit', async () => {
    await expectRejected('src/cli/experiment.ts', cases);
  }, 60_000);
});

describe('experiment CLI on SIGTERM', () => {
  it('ends within seconds of the signal, with the rounds printed so far and --dump-eval written', async () => {
    // The exact command `npm run experiment` runs, so the test covers what a user's signal reaches.
    const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
      .scripts.experiment!;
    const [bin, ...rest] = script.split(' ');
    expect(bin).toBe('node');
    const dir = mkdtempSync(path.join(tmpdir(), 'amplab-sigterm-'));
    const dump = path.join(dir, 'eval.jsonl');
    const p = spawn(
      process.execPath,
      [
        ...rest,
        ...['--task', 'union-find', '--model-size', 'small', '--steps-per-round', '4'],
        ...['--batch-size', '32', '--rounds', '10000', '--evaluate', 'every-round', '--dump-eval', dump],
      ],
      { cwd: process.cwd() },
    );
    let stdout = '';
    let stderr = '';
    let signalledAt = 0;
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout.on('data', (d) => {
      stdout += d;
      // The first round's row is out: stop the run.
      if (!signalledAt && /^\s+1\s+\d+/m.test(stdout)) {
        signalledAt = Date.now();
        p.kill('SIGTERM');
      }
    });
    // A bound on liveness, not a timing figure: a run that ignores the signal is killed here.
    const hardStop = setTimeout(() => p.kill('SIGKILL'), 90_000);
    const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
    clearTimeout(hardStop);
    const waited = (Date.now() - signalledAt) / 1000;
    expect(signalledAt, stderr).toBeGreaterThan(0);
    expect(code, stderr).toBe(143);
    expect(waited).toBeLessThan(20);
    const lines = stdout.trimEnd().split('\n');
    const rows = lines.filter((l) => /^\s+\d+\s+\d+\s+\d+/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    rows.forEach((r, i) => expect(r.trim().split(/\s+/)[0]).toBe(String(i + 1)));
    expect(lines[lines.length - 1]).toMatch(/^stopped by SIGTERM: after \d+ rounds/);
    const dumped = readFileSync(dump, 'utf8').trimEnd().split('\n');
    expect(dumped.length).toBeGreaterThanOrEqual(500);
    for (const l of dumped) expect(Object.keys(JSON.parse(l) as object)).toContain('supervised');
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
