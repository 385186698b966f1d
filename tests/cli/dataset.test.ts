import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDatasetArgs } from '../../src/cli/dataset-flags';
import { PRESET_NAMES, TASK_IDS } from '../../src/core/task';

const run = promisify(execFile);

async function dataset(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/dataset.ts', ...args],
      {
        maxBuffer: 64 << 20,
      },
    );
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const EXPORT_KEYS = ['task', 'size', 'seed', 'facts', 'question', 'answer', 'depth', 'text'];

describe('npm run dataset', () => {
  for (const taskId of TASK_IDS) {
    for (const preset of PRESET_NAMES) {
      it(`${taskId} ${preset}: every line is in the export format and agrees with an independent solver`, async () => {
        const { solveFromJson } = (await import(`../independent/${taskId}.ts`)) as {
          solveFromJson: (facts: unknown, question: unknown) => unknown;
        };
        const { stdout, stderr, code } = await dataset([
          '--task',
          taskId,
          '--preset',
          preset,
          '--count',
          '300',
          '--seed',
          '5',
        ]);
        expect(stderr).toBe('');
        expect(code).toBe(0);
        const lines = stdout.trimEnd().split('\n');
        expect(lines).toHaveLength(300);
        const depths = new Set<number>();
        for (const line of lines) {
          const record = JSON.parse(line) as Record<string, unknown>;
          expect(Object.keys(record)).toEqual(EXPORT_KEYS);
          expect(record.task).toBe(taskId);
          expect(record.seed).toBe(5);
          expect(typeof record.text).toBe('string');
          expect(solveFromJson(record.facts, record.question)).toEqual(record.answer);
          depths.add(record.depth as number);
        }
        expect(depths.size).toBeGreaterThanOrEqual(3);
      });
    }
  }

  it('is reproducible: the same seed gives the same lines, another seed others', async () => {
    const a = await dataset(['--task', 'permutation', '--count', '20', '--seed', '9']);
    const b = await dataset(['--task', 'permutation', '--count', '20', '--seed', '9']);
    const c = await dataset(['--task', 'permutation', '--count', '20', '--seed', '10']);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('--size changes the instance size', async () => {
    const { stdout } = await dataset(['--task', 'permutation', '--size', '12', '--count', '1']);
    const record = JSON.parse(stdout) as { size: number; facts: unknown[] };
    expect(record.size).toBe(12);
    expect(record.facts).toHaveLength(12);
  });

  const bad: [string[], RegExp][] = [
    [
      ['--task', 'sorting'],
      /--task must be one of permutation, assignments, wildcard, shortest-path, union-find/,
    ],
    [[], /--task is required/],
    [['--task', 'wildcard', '--count', '-3'], /--count must be an integer from 1 to/],
    [['--task', 'wildcard', '--count', '1e12'], /--count must be an integer from 1 to/],
    [['--task', 'wildcard', '--size', '0'], /--size/],
    [['--task', 'permutation', '--size', '100000'], /--size/],
    [['--task', 'wildcard', '--seed', 'abc'], /--seed must be an integer/],
    [['--task', 'wildcard', '--preset', 'huge'], /--preset must be one of workshop, paper/],
    [['--task', 'wildcard', '--colour', 'red'], /unknown flag --colour/],
    [['--task'], /--task needs a value/],
  ];
  // Parsing is checked in process for every case (runCli prints the error's first line); a few
  // real runs, one per source of errors (flags, settings, the task), check the CLI's stderr, stdout
  // and exit code.
  for (const [args, message] of bad) {
    it(`rejects ${args.join(' ') || '(no flags)'} with a one-line message`, () => {
      let thrown: unknown;
      try {
        parseDatasetArgs(args);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, args.join(' ')).toBeInstanceOf(Error);
      expect((thrown as Error).message.split('\n')[0]).toMatch(message);
    });
  }

  it('prints a rejection as one line on stderr, nothing on stdout, and a non-zero exit', async () => {
    const real = [bad[8]!, bad[6]!, bad[5]!];
    const results = await Promise.all(real.map(([args]) => dataset(args)));
    results.forEach(({ stdout, stderr, code }, i) => {
      expect(code, real[i]![0].join(' ')).not.toBe(0);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(real[i]![1]);
    });
  });
});
