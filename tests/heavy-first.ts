/**
 * Test order for two workers: the slowest files start first, browser and unit files mixed, so
 * neither core idles at the end while one long file runs on. Vitest's own cache (durations of the
 * last run) decides when it has them all; on a fresh clone, SLOW (measured on the 2-core machine)
 * does, then file size (a browser file's counted tenfold).
 */
import { statSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Slowest first (seconds in a fresh clone's `CI=true bash .ci/run`, 2 cores, 2026-12-07 04:00, then that day's cuts). */
const SLOW = [
  'tests/browser/workshop-kit.test.ts',
  'tests/browser/app.test.ts',
  'tests/browser/lesson.test.ts',
  'tests/learn/training.test.ts',
  'tests/learn/learned-overseer.test.ts',
  'tests/browser/noise.test.ts',
  'tests/learn/iterated.test.ts',
  'tests/learn/webgpu-rounds.test.ts',
  'tests/browser/stage.test.ts',
  'tests/browser/isolation.test.ts',
  'tests/browser/learned-overseer.test.ts',
  'tests/learn/backend-probe.test.ts',
  'tests/learn/fused-webgpu.test.ts',
  'tests/browser/be-overseer.test.ts',
  'tests/cli/stop-signals.test.ts',
  'tests/browser/backend-reason.test.ts',
  'tests/learn/relational.test.ts',
  'tests/cli/dataset.test.ts',
  'tests/learn/contract-webgpu.test.ts',
  'tests/learn/session.test.ts',
  'tests/cli/overseer-noise.test.ts',
  'tests/browser/first-page.test.ts',
  'tests/learn/cli.test.ts',
  'tests/worker/host.test.ts',
  'tests/browser/backend-probe.test.ts',
  'tests/browser/hosting.test.ts',
];

export class HeavyFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const rel = (f: TestSpecification): string => f.moduleId.slice(root.length + 1);
    const known = (f: TestSpecification): number | undefined =>
      this.ctx.cache.getFileTestResults(`${f.project.name}:${rel(f)}`)?.duration;
    const weight = (f: TestSpecification): number => {
      const slow = SLOW.indexOf(rel(f));
      // Files not listed come after the listed ones, larger first; a page load weighs more.
      return slow >= 0 ? 1e9 - slow : statSync(f.moduleId).size * (f.project.name === 'browser' ? 10 : 1);
    };
    const cached = files.every((f) => known(f) !== undefined);
    const w = new Map(files.map((f) => [f, cached ? known(f)! : weight(f)]));
    return [...files].sort((a, b) => w.get(b)! - w.get(a)!);
  }
}
