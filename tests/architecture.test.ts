import { readdirSync, readFileSync, statSync } from 'node:fs';
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
function imports(path: string): { spec: string; typeOnly: boolean }[] {
  const source = readFileSync(path, 'utf8');
  const found: { spec: string; typeOnly: boolean }[] = [];
  for (const m of source.matchAll(/\bimport\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/g))
    found.push({ spec: m[2]!, typeOnly: Boolean(m[1]) });
  for (const m of source.matchAll(/\bexport\s+(type\s+)?[^'"]*?\sfrom\s+['"]([^'"]+)['"]/g))
    found.push({ spec: m[2]!, typeOnly: Boolean(m[1]) });
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g))
    found.push({ spec: m[1]!, typeOnly: false });
  for (const m of source.matchAll(/new\s+URL\(\s*['"]([^'"]+)['"]/g))
    found.push({ spec: m[1]!, typeOnly: false });
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

  it('core touches no DOM', () => {
    const offenders = sources
      .filter((f) => layerOf(f) === 'core')
      .filter((f) => DOM_GLOBALS.test(readFileSync(f, 'utf8').replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
