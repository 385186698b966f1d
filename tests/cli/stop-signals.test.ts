import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs an npm script's exact command; sends SIGTERM once `ready` matches its output. */
function runUntil(
  script: string,
  args: string[],
  ready: RegExp,
): Promise<{ code: number | null; stdout: string; stderr: string; signalled: boolean }> {
  const command = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
    .scripts[script]!;
  const [bin, ...rest] = command.split(' ');
  if (bin !== 'node') throw new Error(`npm run ${script} does not run node directly: ${command}`);
  const p = spawn(process.execPath, [...rest, ...args], { cwd: process.cwd() });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  const check = (): void => {
    if (!signalled && ready.test(stdout + stderr)) {
      signalled = true;
      p.kill('SIGTERM');
    }
  };
  p.stdout.on('data', (d) => {
    stdout += d;
    check();
  });
  p.stderr.on('data', (d) => {
    stderr += d;
    check();
  });
  // A bound on liveness, not a timing figure.
  const hardStop = setTimeout(() => p.kill('SIGKILL'), 90_000);
  return new Promise((resolve) =>
    p.on('close', (code) => {
      clearTimeout(hardStop);
      resolve({ code, stdout, stderr, signalled });
    }),
  );
}

describe('the CLIs on SIGTERM', () => {
  it('dataset stops with whole lines only', async () => {
    const r = await runUntil('dataset', ['--task', 'permutation', '--count', '1000000'], /\n/);
    expect(r.signalled).toBe(true);
    expect(r.code, r.stderr).toBe(143);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(1_000_000);
    for (const l of lines) expect(() => JSON.parse(l) as unknown).not.toThrow();
  }, 120_000);

  it('bench writes the partial JSON, saying it was interrupted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'amplab-bench-'));
    const r = await runUntil(
      'bench',
      ['--tasks', 'union-find', '--backends', 'cpu', '--throughput-only', '--out', dir],
      /cpu: matmul/,
    );
    expect(r.signalled).toBe(true);
    expect(r.code, r.stderr).toBe(143);
    const files = ['throughput-cpu.json'].map((f) => path.join(dir, f));
    expect(existsSync(files[0]!)).toBe(true);
    const result = JSON.parse(readFileSync(files[0]!, 'utf8')) as { interrupted?: string; backends: object };
    expect(result.interrupted).toBe('SIGTERM');
    expect(Object.keys(result.backends)).toEqual(['cpu']);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
