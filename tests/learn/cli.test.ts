import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExperimentArgs } from '../../src/cli/experiment-flags';
import { expectRejected, firstLineThrown, npmRunUntilSignalled } from '../cli/spawn-cli';

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

const rejection = (args: string[]) => firstLineThrown(parseExperimentArgs, args);

describe('experiment CLI flags', () => {
  it('rejects each bad flag with its one-line message (parsed in process)', () => {
    for (const [args, message] of cases) expect(rejection(args), args.join(' ')).toMatch(message);
  });

  // Real runs for a flag error, a settings error and a size error: the CLI prints the line.
  it('rejects bad flags with one line on stderr, nothing on stdout, non-zero exit', async () => {
    await expectRejected('src/cli/experiment.ts', [cases[4]!, cases[5]!, cases[7]!]);
  }, 60_000);
});

describe('npm run experiment on SIGTERM to the npm process alone', () => {
  it('ends within seconds of the signal, with the rounds printed so far and --dump-eval written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'amplab-sigterm-'));
    const dump = path.join(dir, 'eval.jsonl');
    // Stopped once the first round's row is out.
    const r = await npmRunUntilSignalled(
      'experiment',
      [
        ...['--task', 'union-find', '--model-size', 'small', '--steps-per-round', '4'],
        ...['--batch-size', '8', '--rounds', '10000', '--evaluate', 'every-round', '--dump-eval', dump],
      ],
      /^\s+1\s+\d+/m,
    );
    expect(r.signalled, r.stderr).toBe(true);
    expect(r.orphans).toEqual([]);
    expect(r.code, r.stderr).toBe(143);
    expect(r.secondsToGone).toBeLessThan(20);
    const lines = r.stdout.trimEnd().split('\n');
    const rows = lines.filter((l) => /^\s+\d+\s+\d+\s+\d+/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    rows.forEach((row, i) => expect(row.trim().split(/\s+/)[0]).toBe(String(i + 1)));
    expect(lines[lines.length - 1]).toMatch(/^stopped by SIGTERM: after \d+ rounds/);
    const dumped = readFileSync(dump, 'utf8').trimEnd().split('\n');
    expect(dumped.length).toBeGreaterThanOrEqual(500);
    for (const l of dumped) expect(Object.keys(JSON.parse(l) as object)).toContain('supervised');
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
