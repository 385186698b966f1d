import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { npmRunUntilSignalled, type SignalledRun } from './spawn-cli';

/** npm sends the signal on and waits: nothing it started outlives it, and it was prompt. */
function expectStoppedWhole(r: SignalledRun): void {
  expect(r.signalled, r.stderr).toBe(true);
  expect(r.orphans, 'processes left running after npm exited').toEqual([]);
  expect(r.code, r.stderr).toBe(143);
  expect(r.secondsToGone).toBeLessThan(20);
}

describe('npm run <cli> on SIGTERM to the npm process alone', () => {
  it('dataset stops with whole lines only', async () => {
    const r = await npmRunUntilSignalled('dataset', ['--task', 'permutation', '--count', '1000000'], /\n/);
    expectStoppedWhole(r);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(1_000_000);
    for (const l of lines) expect(() => JSON.parse(l) as unknown).not.toThrow();
  }, 120_000);

  it('bench writes the partial JSON, saying it was interrupted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'amplab-bench-'));
    const r = await npmRunUntilSignalled(
      'bench',
      // Small steps, and tasks enough that the signal lands before the last one (it stops the rest).
      [
        // wasm: its matmul figure is out in ~3 s where cpu's took ~10 s.
        ...['--tasks', 'union-find,permutation,wildcard', '--backends', 'wasm', '--throughput-only'],
        ...['--batch-size', '8', '--out', dir],
      ],
      /wasm: matmul/,
    );
    expectStoppedWhole(r);
    const files = ['throughput-wasm-batch8.json'].map((f) => path.join(dir, f));
    expect(existsSync(files[0]!)).toBe(true);
    const result = JSON.parse(readFileSync(files[0]!, 'utf8')) as { interrupted?: string; backends: object };
    expect(result.interrupted).toBe('SIGTERM');
    expect(Object.keys(result.backends)).toEqual(['wasm']);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('probe prints the steps it evaluated and its summary', async () => {
    const r = await npmRunUntilSignalled(
      'probe',
      [
        '--task',
        'union-find',
        '--model-size',
        'small',
        '--batch-size',
        '16',
        '--every',
        '1',
        '--backend',
        'cpu',
      ],
      /^step 2 /m,
    );
    expectStoppedWhole(r);
    const steps = [...r.stdout.matchAll(/^step (\d+) /gm)].map((m) => Number(m[1]));
    expect(steps.slice(0, 2)).toEqual([1, 2]);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^examples to 0.95 by depth: .* \(stopped by SIGTERM\)$/,
    );
  }, 120_000);

  it('record stops within its first round and writes no half-made recording', async () => {
    // Signalled while the first task trains (a finished task's file would take a whole round).
    const dir = mkdtempSync(path.join(tmpdir(), 'amplab-record-'));
    const r = await npmRunUntilSignalled(
      'record',
      ['--task', 'all', '--rounds', '1', '--out', dir],
      /^backend: /m,
    );
    expectStoppedWhole(r);
    expect(r.stderr).toMatch(/: stopped by SIGTERM before its recording was finished; not written/);
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
