import { describe, expect, it } from 'vitest';
import { parseExperimentArgs } from '../../src/cli/experiment-flags';
import { expectRejected, firstLineThrown, runScript } from './spawn-cli';

const rejection = (args: string[]) => firstLineThrown(parseExperimentArgs, args);

describe('--overseer-noise and bench:noise flags', () => {
  it('reject bad noise rates with one clear line and a non-zero exit', async () => {
    // experiment's rates parsed in process; one real run shows the CLI prints the line.
    const experimentCases: [string[], RegExp][] = [
      [
        ['--task', 'wildcard', '--overseer-noise', '0.6'],
        /--overseer-noise must be a number from 0 to 0.5, got "0.6"/,
      ],
      [['--task', 'wildcard', '--overseer-noise', '-0.1'], /--overseer-noise must be a number from 0 to 0.5/],
      [
        ['--task', 'wildcard', '--overseer-noise', 'lots'],
        /--overseer-noise must be a number from 0 to 0.5, got "lots"/,
      ],
      [['--task', 'wildcard', '--overseer-noise'], /--overseer-noise needs a value/],
    ];
    for (const [args, message] of experimentCases) expect(rejection(args), args.join(' ')).toMatch(message);
    await expectRejected('src/cli/experiment.ts', [experimentCases[0]!]);
    await expectRejected('src/cli/bench-noise.ts', [
      [['--noise', '0,0.7'], /--noise must be numbers from 0 to 0.5, got "0.7"/],
      [['--noise', '0,,0.1'], /--noise must be numbers from 0 to 0.5, got ""/],
      [['--tasks', 'wildcard,nope'], /--tasks must be task ids .*got "nope"/],
    ]);
  }, 60_000);

  it('passes a good rate to the session', async () => {
    const r = await runScript('src/cli/experiment.ts', [
      ...['--task', 'wildcard', '--overseer-noise', '0.05', '--rounds', '1', '--no-supervised'],
      ...['--model-size', 'small', '--steps-per-round', '2', '--batch-size', '16'],
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/evaluation auto, overseer noise 0.05\n/);
  }, 60_000);
});
