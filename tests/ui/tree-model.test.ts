import { describe, expect, it } from 'vitest';
import { fullRecursion, type TraceNode } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { permutation } from '../../src/core/tasks/permutation';
import {
  buildTreeView,
  describeNode,
  findById,
  initialExpanded,
  truncate,
  visibleNodes,
  withSubtree,
  wrapLabel,
  type Verdict,
} from '../../src/ui/tree/model';
import { keyAction } from '../../src/ui/tree/keyboard';
import { anyMoves, between, startPositions } from '../../src/ui/tree/motion';
import { autoTransform, fitTransform, layoutTree, levelsThatFit } from '../../src/ui/tree/layout';

function node(key: string, by: TraceNode['by'], children: TraceNode[] = [], answer = 'a'): TraceNode {
  return {
    question: key,
    key,
    text: `What is ${key}?`,
    by,
    answer,
    answerText: answer,
    depth: by === 'lookup' ? 0 : 1,
    children,
  };
}

/** A full `fanout`-ary tree of `levels` overseer levels over lookups. */
function big(levels: number, fanout: number, prefix = 'q'): TraceNode {
  if (levels === 0) return node(`${prefix}L`, 'lookup');
  return node(
    prefix,
    'overseer',
    Array.from({ length: fanout }, (_, i) => big(levels - 1, fanout, `${prefix}${i}`)),
  );
}

function permutationTree(): TraceNode {
  const params = resolveParams(permutation, 'workshop');
  const rng = createRng(3);
  const ctx = permutation.generateContext(rng, params);
  return fullRecursion(permutation, ctx, permutation.generateQuestion(rng, ctx, params, 3));
}

describe('buildTreeView', () => {
  it('marks the cut: root above, its non-primitive children answered by X, the rest below', () => {
    const full = node('r', 'overseer', [
      node('e', 'lookup'),
      node('s1', 'overseer', [node('s1L', 'lookup')]),
      node('s2', 'overseer'),
    ]);
    const answers = new Map<string, Verdict>([
      ['r', { text: 'a', right: true }],
      ['s1', { text: 'b', right: false }],
      ['s1L', { text: 'zzz', right: false }],
    ]);
    const root = buildTreeView(full, answers, { amplified: { text: 'a', right: true } });
    expect(root.id).toBe('0');
    expect([root.kind, root.place, root.level]).toEqual(['overseer', 'above', 1]);
    const [e, s1, s2] = root.children;
    expect([e!.kind, e!.place]).toEqual(['lookup', 'above']);
    expect([s1!.kind, s1!.place, s1!.modelAnswer, s1!.modelRight]).toEqual(['model', 'cut', 'b', false]);
    expect(s1!.children[0]!.place).toBe('below');
    // Lookups never carry X's answer.
    expect(s1!.children[0]!.modelAnswer).toBeUndefined();
    expect(s2!.truncated).toBe(true);
    expect(s2!.expandable).toBe(true);
    expect(e!.expandable).toBe(false);
    expect(findById(root, '0.1.0')?.key).toBe('s1L');
    expect([s1!.index, s1!.parent]).toEqual([2, root]);
  });

  it('describes each node for screen readers', () => {
    const full = node(
      'r',
      'overseer',
      [node('e', 'lookup', [], 'f'), node('s', 'overseer', [node('sL', 'lookup')], 'f')],
      'f',
    );
    const root = buildTreeView(
      full,
      new Map([
        ['r', { text: 'f', right: true }],
        ['s', { text: 'g', right: false }],
      ]),
    );
    expect(describeNode(root)).toBe(
      'What is r? — answer f — answered by the overseer; X says f, right; 2 subquestions',
    );
    expect(describeNode(root.children[0]!)).toBe('What is e? — answer f — answered by a lookup');
    expect(describeNode(root.children[1]!)).toContain(
      'What is s? — answer f — answered by model X; X says g, wrong',
    );
    expect(describeNode(root.children[1]!.children[0]!)).toContain('answered by a lookup');
  });

  it('builds children lazily', () => {
    const root = buildTreeView(big(8, 4), new Map()); // 4^8 leaves: never built here
    expect(root.children).toHaveLength(4);
    expect(root.children).toBe(root.children);
  });

  it('works on a real permutation recursion', () => {
    const full = permutationTree();
    const root = buildTreeView(full, new Map());
    const all = visibleNodes(root, new Set(visibleNodes(root, initialExpanded(root)).map((v) => v.node.id)));
    expect(all[0]!.node.text).toMatch(/^What is σ/);
    expect(all.some((v) => v.node.kind === 'lookup')).toBe(true);
    expect(all.some((v) => v.node.kind === 'model')).toBe(true);
  });
});

describe('lazy expansion', () => {
  it('opens small trees fully', () => {
    const root = buildTreeView(big(3, 2), new Map());
    const open = initialExpanded(root);
    expect(visibleNodes(root, open)).toHaveLength(15);
  });

  it('opens big trees only to the cut (plus whole levels while under the budget)', () => {
    const root = buildTreeView(big(7, 5), new Map()); // ~100k nodes
    const open = initialExpanded(root, { maxVisible: 150 });
    const visible = visibleNodes(root, open);
    expect(visible.length).toBeLessThanOrEqual(150);
    expect(visible.length).toBe(1 + 5 + 25 + 125 - 125); // root, cut level, one more level (31)
    expect(open.has('0')).toBe(true);
    const onlyCut = initialExpanded(root, { maxVisible: 10 });
    expect(visibleNodes(root, onlyCut)).toHaveLength(6);
    expect(visibleNodes(root, initialExpanded(root, { maxLevel: 1 }))).toHaveLength(6);
  });

  it('grafts a subtree computed on demand', () => {
    const full = node('r', 'overseer', [node('s', 'overseer'), node('t', 'overseer')]);
    const grown = withSubtree(full, '0.1', node('t', 'overseer', [node('tL', 'lookup')]));
    expect(grown.children[1]!.children[0]!.key).toBe('tL');
    expect(grown.children[0]).toBe(full.children[0]);
    expect(full.children[1]!.children).toHaveLength(0);
    expect(() => withSubtree(full, '0.5', node('x', 'lookup'))).toThrow();
  });
});

describe('truncate', () => {
  it('cuts by code point with an ellipsis', () => {
    expect(truncate('What is σ⁵(c)?', 40)).toBe('What is σ⁵(c)?');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(Array.from(truncate('σ⁵σ⁵σ⁵σ⁵', 5))).toHaveLength(5);
  });
});

describe('keyboard', () => {
  const full = node('r', 'overseer', [node('a', 'overseer', [node('aL', 'lookup')]), node('b', 'lookup')]);
  const root = buildTreeView(full, new Map());
  const open = new Set(['0', '0.0']);
  const visible = visibleNodes(root, open);

  it('moves in visual order, to parents and children', () => {
    expect(visible.map((v) => v.node.id)).toEqual(['0', '0.0', '0.0.0', '0.1']);
    expect(keyAction(visible, '0.0', 'ArrowDown')).toEqual({ type: 'focus', id: '0.0.0' });
    expect(keyAction(visible, '0.1', 'ArrowUp')).toEqual({ type: 'focus', id: '0.0.0' });
    expect(keyAction(visible, '0.0.0', 'ArrowLeft')).toEqual({ type: 'focus', id: '0.0' });
    expect(keyAction(visible, '0.0', 'ArrowLeft')).toEqual({ type: 'collapse', id: '0.0' });
    expect(keyAction(visible, '0', 'ArrowRight')).toEqual({ type: 'focus', id: '0.0' });
    expect(keyAction(visible, '0.1', 'ArrowDown')).toEqual({ type: 'none' });
    expect(keyAction(visible, '0.1', 'Home')).toEqual({ type: 'focus', id: '0' });
    expect(keyAction(visible, '0', 'End')).toEqual({ type: 'focus', id: '0.1' });
    expect(keyAction(visible, '0.1', 'Enter')).toEqual({ type: 'none' });
  });

  it('expands with Right and toggles with Enter', () => {
    const closed = visibleNodes(root, new Set(['0']));
    expect(keyAction(closed, '0.0', 'ArrowRight')).toEqual({ type: 'expand', id: '0.0' });
    expect(keyAction(closed, '0.0', 'Enter')).toEqual({ type: 'expand', id: '0.0' });
    expect(keyAction(visible, '0.0', ' ')).toEqual({ type: 'collapse', id: '0.0' });
  });
});

describe('layout', () => {
  const sp = { dx: 100, dy: 80, labelDepth: 50 };

  it('lays out only the visible nodes, tidy and top-down', () => {
    const root = buildTreeView(big(4, 3), new Map());
    const open = new Set(['0', '0.1']);
    const l = layoutTree(root, open, sp);
    expect(l.nodes).toHaveLength(1 + 3 + 3);
    expect(l.links).toHaveLength(6);
    const byId = new Map(l.nodes.map((n) => [n.id, n]));
    expect(byId.get('0')!.y).toBe(0);
    expect(byId.get('0.1.2')!.y).toBe(160);
    expect(byId.get('0.0')!.x).toBeLessThan(byId.get('0.2')!.x);
    expect(l.links.filter((k) => k.crossesCut)).toHaveLength(3);
    expect(l.bounds.x0).toBeLessThan(l.bounds.x1);
  });

  it('steps the cut below the root lookups and above the questions sent to X', () => {
    const full = node('r', 'overseer', [node('s', 'overseer'), node('e', 'lookup'), node('t', 'overseer')]);
    const l = layoutTree(buildTreeView(full, new Map()), new Set(['0']), sp);
    const ys = [...l.cut!.path.matchAll(/[MV](?:-?[\d.]+,)?(-?[\d.]+)/g)].map((m) => Number(m[1]));
    expect(ys).toEqual([65, 140, 65]);
    expect(l.cut!.area.endsWith('Z')).toBe(true);
    expect(l.cut!.labelY).toBe(65);
    expect(l.cut!.labelX).toBe(l.bounds.x0);
  });

  it('fits small trees centred and anchors big ones at the root', () => {
    const small = fitTransform({ x0: -100, x1: 100, y0: 0, y1: 100 }, 800, 600);
    expect(small.k).toBe(1.25);
    expect(small.x).toBe(400);
    const huge = fitTransform({ x0: -5000, x1: 5000, y0: 0, y1: 300 }, 400, 600);
    expect(huge.k).toBe(0.4);
    expect(huge.x).toBe(200);
  });

  it('first shows a wide tree by its root and cut level, anchored at the top', () => {
    const root = buildTreeView(big(3, 6), new Map());
    const l = layoutTree(root, new Set(['0']), sp);
    const t = autoTransform(l, 500, 400);
    expect(t.k).toBeCloseTo(468 / 600, 5); // six children, 100 apart, fill the width
    expect(t.y).toBeCloseTo(16 + 24 * t.k, 5);
    const small = layoutTree(buildTreeView(big(1, 2), new Map()), new Set(['0']), sp);
    expect(autoTransform(small, 800, 600).k).toBe(1.4);
    // Never below the legible scale asked for: the reader pans instead.
    expect(autoTransform(l, 500, 400, 0.9).k).toBe(0.9);
  });

  it('opens the levels that fit legibly, always the root and the cut level', () => {
    const root = buildTreeView(big(4, 2), new Map());
    const spacing = (): typeof sp => sp;
    const levels = (open: ReadonlySet<string>): number =>
      Math.max(...[...open].map((id) => id.split('.').length)) + 1;
    // Roomy: every level that initialExpanded would open.
    const all = levelsThatFit(root, 5000, 5000, 1, spacing);
    expect(levels(all)).toBe(5);
    // Narrower: fewer levels, and each one whole.
    const some = levelsThatFit(root, 700, 5000, 1, spacing);
    expect(levels(some)).toBe(3);
    const wide = layoutTree(root, some, sp).bounds;
    expect(wide.x1 - wide.x0).toBeLessThanOrEqual(700 - 32);
    // Too small for anything: still the root and its children.
    expect([...levelsThatFit(root, 100, 100, 1, spacing)]).toEqual(['0']);
    // A phone: at most the cut level.
    expect([...levelsThatFit(root, 5000, 5000, 1, spacing, { maxLevel: 2 })]).toEqual(['0']);
  });
});

describe('wrapLabel', () => {
  it('wraps at spaces into at most n lines, with an ellipsis when cut', () => {
    expect(wrapLabel('What is σ⁵(c)?', 18, 2)).toEqual(['What is σ⁵(c)?']);
    expect(wrapLabel('Are x1 and x5 connected by the first 5 equalities?', 18, 2)).toEqual([
      'Are x1 and x5',
      'connected by the…',
    ]);
    expect(wrapLabel('Are x1 and x5 connected by e5?', 18, 2)).toEqual(['Are x1 and x5', 'connected by e5?']);
    expect(wrapLabel('abcdefghijklmnopqrstuvwxyz', 10, 2)).toEqual(['abcdefghi…']);
    for (const l of wrapLabel('Are x1 and x5 connected by the first 5 equalities?', 12, 3))
      expect(Array.from(l).length).toBeLessThanOrEqual(12);
  });
});

describe('motion', () => {
  it('starts new nodes at their nearest ancestor on screen, old ones where they are', () => {
    const current = new Map([
      ['0', { x: 0, y: 0 }],
      ['0.1', { x: 10, y: 5 }],
    ]);
    const target = new Map([
      ['0', { x: 0, y: 0 }],
      ['0.1', { x: 20, y: 5 }],
      ['0.1.0.2', { x: 30, y: 15 }],
      ['0.0', { x: -20, y: 5 }],
    ]);
    const from = startPositions(target, current);
    expect(from.get('0.1')).toEqual({ x: 10, y: 5 });
    expect(from.get('0.1.0.2')).toEqual({ x: 10, y: 5 });
    expect(from.get('0.0')).toEqual({ x: 0, y: 0 });
    expect(startPositions(target, new Map()).get('0.0')).toEqual({ x: -20, y: 5 });
    expect(anyMoves(from, target)).toBe(true);
    expect(anyMoves(target, target)).toBe(false);
    expect(between(from, target, 0.5).get('0.1')).toEqual({ x: 15, y: 5 });
    expect(between(from, target, 1)).toEqual(target);
  });
});
