import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Layers, lowest first: a file may import only from its own layer or lower ones. */
const LAYERS = ['core', 'learn', 'worker', 'ui'] as const;
type Layer = (typeof LAYERS)[number];
const ROOT = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

/** Every module specifier a file imports (static, dynamic, `import type` included, with their `?query`). */
function imports(path: string): { spec: string; typeOnly: boolean; viaUrl?: boolean }[] {
  const source = readFileSync(path, 'utf8');
  const found: { spec: string; typeOnly: boolean; viaUrl?: boolean }[] = [];
  for (const m of source.matchAll(/\bimport\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/g))
    found.push({ spec: m[2]!, typeOnly: Boolean(m[1]) });
  for (const m of source.matchAll(/\bexport\s+(type\s+)?[^'"]*?\sfrom\s+['"]([^'"]+)['"]/g))
    found.push({ spec: m[2]!, typeOnly: Boolean(m[1]) });
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g))
    found.push({ spec: m[1]!, typeOnly: false });
  for (const m of source.matchAll(/new\s+URL\(\s*['"]([^'"]+)['"]/g))
    found.push({ spec: m[1]!, typeOnly: false, viaUrl: true });
  return found;
}

function layerOf(path: string): Layer | undefined {
  const top = relative(join(ROOT, 'src'), path).split(/[\\/]/)[0];
  return (LAYERS as readonly string[]).includes(top!) ? (top as Layer) : undefined;
}

function resolveLayer(from: string, spec: string): Layer | 'package' | 'other' {
  if (!spec.startsWith('.')) return 'package';
  return layerOf(join(from, '..', spec)) ?? 'other';
}

/** The file a relative import names (without its `?query`), or undefined for a package. */
function resolveFile(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = join(from, '..', spec.replace(/\?.*$/, ''));
  const candidates = [base, `${base}.ts`, `${base}.svelte`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
}

/**
 * Module edges: static and dynamic imports, `import type` and re-exports included. A worker
 * entry (`new URL(...)`, `?worker`, `?url`) starts a module graph of its own, so it is no edge.
 */
function edges(file: string): string[] {
  return imports(file)
    .filter(({ spec, viaUrl }) => !viaUrl && !/\?(worker|url)\b/.test(spec))
    .map(({ spec }) => resolveFile(file, spec))
    .filter((f): f is string => f !== undefined);
}

/** Strongly connected components of more than one file (or a file importing itself): the cycles. */
function cycles(files: readonly string[]): string[][] {
  const graph = new Map(files.map((f) => [f, edges(f)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

const PACKAGE_RULES: Record<Layer, RegExp | null> = {
  // pure TypeScript: no tfjs, no Svelte, no d3, no Node built-ins
  core: /^(@tensorflow\/|svelte|d3|node:|fs$|path$|crypto$)/,
  // tfjs, but no DOM framework or drawing
  learn: /^(svelte|d3)/,
  worker: /^(svelte|d3)/,
  // the page never loads tfjs: only the worker does
  ui: /^@tensorflow\//,
};

const DOM_GLOBALS = /\b(document|window|localStorage|HTMLElement|navigator\.clipboard)\b/;

describe('layers depend downward only (core ← learn ← worker ← ui)', () => {
  const sources = files(join(ROOT, 'src'));

  it('finds the source files', () => {
    expect(sources.filter((f) => layerOf(f) === 'core').length).toBeGreaterThan(5);
  });

  for (const layer of LAYERS) {
    it(`${layer} imports nothing above it and no forbidden package`, () => {
      const problems: string[] = [];
      for (const file of sources.filter((f) => layerOf(f) === layer)) {
        for (const { spec, typeOnly } of imports(file)) {
          const target = resolveLayer(file, spec);
          const name = relative(ROOT, file);
          if (target === 'package') {
            if (PACKAGE_RULES[layer]?.test(spec) && !typeOnly) problems.push(`${name} imports ${spec}`);
          } else if (target !== 'other' && LAYERS.indexOf(target) > LAYERS.indexOf(layer)) {
            // ui may start the worker (a URL/?worker import) and share its protocol types.
            const allowed = layer === 'ui' && target === 'worker';
            if (!allowed) problems.push(`${name} imports ${spec} (${target} is above ${layer})`);
          } else if (layer === 'ui' && target === 'learn') {
            // Not even types: the page's formats live in core, shared with the CLI and the worker.
            problems.push(`${name} imports ${spec} (ui must not depend on learn, not even for types)`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('the command line never imports the page (src/cli ↛ src/ui)', () => {
    const problems: string[] = [];
    for (const file of sources.filter((f) => relative(join(ROOT, 'src'), f).startsWith('cli'))) {
      for (const { spec } of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(join(ROOT, 'src'), join(file, '..', spec)).split(/[\\/]/)[0];
        if (target === 'ui') problems.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(sources.some((f) => relative(join(ROOT, 'src'), f).startsWith('cli'))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('product code never imports the tests (src ↛ tests)', () => {
    const problems: string[] = [];
    for (const file of sources)
      for (const { spec } of imports(file)) {
        const target = resolveFile(file, spec);
        if (target && !relative(join(ROOT, 'tests'), target).startsWith('..'))
          problems.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    expect(problems).toEqual([]);
  });

  it('only the command line uses the browser harness (src/harness: Chromium, a static server)', () => {
    const harness = join(ROOT, 'src', 'harness');
    const problems = sources
      .filter((f) => !/^(cli|harness)[\\/]/.test(relative(join(ROOT, 'src'), f)))
      .flatMap((f) =>
        edges(f)
          .filter((t) => t.startsWith(harness + '/'))
          .map((t) => `${relative(ROOT, f)} imports ${relative(ROOT, t)}`),
      );
    expect(problems).toEqual([]);
  });

  it('no import cycles between files, of any length', () => {
    const found = cycles(sources).map((c) => c.map((f) => relative(ROOT, f)).join(' ↔ '));
    expect(found).toEqual([]);
  });

  it("learn's types never reach ui through the worker modules ui imports", () => {
    // ui may import worker modules (the client, the protocol), but what they import, re-export
    // or pass on must not come from learn: ui would then depend on learn after all.
    const problems = new Set<string>();
    for (const file of sources.filter((f) => layerOf(f) === 'ui')) {
      const seen = new Set<string>();
      const queue = edges(file).filter((f) => layerOf(f) === 'worker');
      while (queue.length > 0) {
        const module = queue.pop()!;
        if (seen.has(module)) continue;
        seen.add(module);
        for (const next of edges(module)) {
          if (layerOf(next) === 'learn')
            problems.add(`${relative(ROOT, module)} (imported by ui) imports ${relative(ROOT, next)}`);
          else if (layerOf(next) === 'worker') queue.push(next);
        }
      }
    }
    expect([...problems]).toEqual([]);
  });

  it('core touches no DOM', () => {
    const offenders = sources
      .filter((f) => layerOf(f) === 'core')
      .filter((f) => DOM_GLOBALS.test(readFileSync(f, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
