import { describe, expect, it } from 'vitest';
import { expectRejected, runScript } from './spawn-cli';

const probe = (args: string[]) => runScript('src/cli/probe.ts', args);

describe('probe CLI', () => {
  it('rejects bad flags with one line on stderr and nothing on stdout', async () => {
    const cases: [string[], RegExp][] = [
      [['--task', 'nope'], /--task must be one of permutation/],
      [['--task', 'permutation', '--model', '[1]'], /--model must be a JSON object/],
      [['--task', 'permutation', '--steps', '0'], /--steps must be an integer from 1 to 100000/],
      [['--steps', '3'], /--task is required/],
    ];
    await expectRejected('src/cli/probe.ts', cases);
  }, 60_000);

  it('trains the task’s own model on true answers and reports accuracy by depth', async () => {
    const r = await probe(['--task', 'permutation', '--steps', '4', '--every', '2', '--batch-size', '16']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/"relational":true/);
    const rows = lines.filter((l) => l.startsWith('step '));
    expect(rows.map((l) => l.split(/\s+/)[1])).toEqual(['2', '4']);
    expect(rows[1]).toMatch(/examples 64 .* d1 \d+ d2 \d+ d3 \d+/);
    expect(lines.at(-1)).toMatch(/^examples to 0.95 by depth: \{.*\}$/);
  }, 60_000);
});
