/**
 * The decomposition tree's view model: the full recursion (ground truth), the current model X's
 * answer per question, and where each node sits relative to "the cut" (Amp(X) = H at the root,
 * one level; X answers the root's non-primitive children). Pure TS, no DOM, no d3.
 */
import type { AnsweredBy, TraceNode } from '../../core/recursion';

/** How Amp(X) treats a node: H's combination, a lookup, or a question sent to model X. */
export type NodeKind = AnsweredBy;

/**
 * `above`: handled by H in Amp(X) (the root and the root's lookups); `cut`: answered by model X
 * in Amp(X) (the root's non-primitive children); `below`: the full recursion X stands in for.
 */
export type CutPlace = 'above' | 'cut' | 'below';

export interface Verdict {
  /** The answer as people read it (task.answerText). */
  text: string;
  /** Whether it equals the ground truth (the full recursion's answer). */
  right: boolean;
}

export interface BuildOptions {
  /** Amp(X)'s answer to the root question, shown on the root. */
  amplified?: Verdict;
}

/** The nodes of one tree, each built on first access of `children` (big trees stay cheap). */
export class TreeNodeView {
  readonly id: string;
  readonly trace: TraceNode;
  /** 1 for the root (aria-level). */
  readonly level: number;
  readonly kind: NodeKind;
  readonly place: CutPlace;
  readonly modelAnswer?: string;
  readonly modelRight?: boolean;
  /** Amp(X)'s answer; on the root only. */
  readonly amplifiedAnswer?: string;
  readonly amplifiedRight?: boolean;
  readonly parent: TreeNodeView | null;
  /** Position among its siblings, from 1 (aria-posinset). */
  readonly index: number;
  #children: TreeNodeView[] | null = null;
  readonly #answers: ReadonlyMap<string, Verdict>;

  constructor(
    trace: TraceNode,
    answers: ReadonlyMap<string, Verdict>,
    parent: TreeNodeView | null,
    index: number,
    opts: BuildOptions = {},
  ) {
    this.trace = trace;
    this.parent = parent;
    this.index = index;
    this.#answers = answers;
    this.id = parent ? `${parent.id}.${index - 1}` : '0';
    this.level = parent ? parent.level + 1 : 1;
    this.kind = kindOf(trace, this.level);
    this.place =
      this.level === 1 ? 'above' : this.level === 2 ? (trace.by === 'lookup' ? 'above' : 'cut') : 'below';
    const verdict = trace.by === 'lookup' ? undefined : answers.get(trace.key);
    if (verdict) {
      this.modelAnswer = verdict.text;
      this.modelRight = verdict.right;
    }
    if (!parent && opts.amplified) {
      this.amplifiedAnswer = opts.amplified.text;
      this.amplifiedRight = opts.amplified.right;
    }
  }

  get key(): string {
    return this.trace.key;
  }
  get text(): string {
    return this.trace.text;
  }
  /** The ground truth: the full recursion's answer. */
  get answerText(): string {
    return this.trace.answerText;
  }
  /** Depth class of the question (0 for a lookup). */
  get depth(): number {
    return this.trace.depth;
  }
  /** Children in the full recursion (0 for a lookup or a node not yet expanded). */
  get childCount(): number {
    return this.trace.children.length;
  }
  /** A non-primitive node whose children were not computed yet (fullRecursion's node budget). */
  get truncated(): boolean {
    return this.trace.by !== 'lookup' && this.trace.children.length === 0;
  }
  /** Whether the node can be expanded (has children, or can have them computed). */
  get expandable(): boolean {
    return this.childCount > 0 || this.truncated;
  }
  get children(): readonly TreeNodeView[] {
    this.#children ??= this.trace.children.map((c, i) => new TreeNodeView(c, this.#answers, this, i + 1));
    return this.#children;
  }
}

function kindOf(trace: TraceNode, level: number): NodeKind {
  if (trace.by === 'lookup') return 'lookup';
  if (level === 2) return 'model';
  return trace.by === 'model' ? 'model' : 'overseer';
}

/**
 * The view of `full` (the full recursion of one question) with X's answers, keyed by question
 * key (the same question anywhere in the tree gets the same answer from X).
 */
export function buildTreeView(
  full: TraceNode,
  modelAnswers: ReadonlyMap<string, Verdict>,
  opts: BuildOptions = {},
): TreeNodeView {
  return new TreeNodeView(full, modelAnswers, null, 1, opts);
}

/** Who answered, as the node's accessible name says it. */
export function answeredBy(node: TreeNodeView): string {
  if (node.kind === 'lookup') return 'a lookup';
  if (node.place === 'above') return 'the overseer';
  if (node.place === 'cut') return 'model X';
  return 'the overseer (full recursion)';
}

/** The accessible name: "What is σ⁵(c)? — answer f — answered by the overseer; X says f, right". */
export function describeNode(node: TreeNodeView): string {
  let s = `${node.text} — answer ${node.answerText} — answered by ${answeredBy(node)}`;
  if (node.amplifiedAnswer !== undefined)
    s += `; Amp(X) says ${node.amplifiedAnswer}, ${node.amplifiedRight ? 'right' : 'wrong'}`;
  if (node.modelAnswer !== undefined)
    s += `; X says ${node.modelAnswer}, ${node.modelRight ? 'right' : 'wrong'}`;
  if (node.truncated) s += '; subquestions not computed yet';
  else if (node.childCount > 0) s += `; ${node.childCount} subquestion${node.childCount === 1 ? '' : 's'}`;
  return s;
}

/** `text` cut to at most `max` characters (by code point), with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

export interface ExpandOptions {
  /** Stop expanding when the next level would show more nodes than this (default 150). */
  maxVisible?: number;
  /** Never expand nodes at this level or deeper (the root is level 1; default: no limit). */
  maxLevel?: number;
}

/**
 * Ids of the nodes expanded at first: always the root (so the cut is visible), then whole levels
 * breadth first while the visible count stays within `maxVisible`. Union find's thousands of
 * nodes thus start collapsed just below the cut; a permutation tree opens fully.
 */
export function initialExpanded(root: TreeNodeView, opts: ExpandOptions = {}): Set<string> {
  const maxVisible = opts.maxVisible ?? 150;
  const maxLevel = opts.maxLevel ?? Infinity;
  const expanded = new Set<string>();
  if (root.childCount === 0) return expanded;
  expanded.add(root.id);
  let visible = 1 + root.childCount;
  let frontier = root.children.filter((c) => c.childCount > 0);
  while (frontier.length > 0 && frontier[0]!.level < maxLevel) {
    const added = frontier.reduce((n, c) => n + c.childCount, 0);
    if (visible + added > maxVisible) break;
    visible += added;
    for (const c of frontier) expanded.add(c.id);
    frontier = frontier.flatMap((c) => c.children.filter((g) => g.childCount > 0));
  }
  return expanded;
}

/** A node as the keyboard and the screen reader see it: in visual (pre-)order. */
export interface VisibleNode {
  node: TreeNodeView;
  expanded: boolean;
}

/** The visible nodes in pre-order (the order arrow keys move through). */
export function visibleNodes(root: TreeNodeView, expanded: ReadonlySet<string>): VisibleNode[] {
  const out: VisibleNode[] = [];
  const visit = (n: TreeNodeView): void => {
    const open = expanded.has(n.id) && n.childCount > 0;
    out.push({ node: n, expanded: open });
    if (open) n.children.forEach(visit);
  };
  visit(root);
  return out;
}

/** The node with path id `id` ("0", "0.2.1"), materialising only the nodes on its path. */
export function findById(root: TreeNodeView, id: string): TreeNodeView | undefined {
  const parts = id.split('.');
  if (parts[0] !== root.id) return undefined;
  let n: TreeNodeView | undefined = root;
  for (const p of parts.slice(1)) n = n?.children[Number(p)];
  return n;
}

/**
 * A copy of `full` with the node at path id `id` replaced by `subtree` (e.g. its recursion,
 * computed on demand when the reader expands a truncated node). Nodes off the path are shared.
 */
export function withSubtree(full: TraceNode, id: string, subtree: TraceNode): TraceNode {
  const path = id.split('.').slice(1).map(Number);
  const replace = (n: TraceNode, i: number): TraceNode => {
    if (i === path.length) return subtree;
    const at = path[i]!;
    if (!(at >= 0 && at < n.children.length)) throw new Error(`no node ${id} in the tree`);
    return { ...n, children: n.children.map((c, j) => (j === at ? replace(c, i + 1) : c)) };
  };
  return replace(full, 0);
}

/**
 * A node's question as at most `lines` lines of at most `width` characters, broken at spaces
 * where possible; the last line ends in "…" when the text does not fit.
 */
export function wrapLabel(text: string, width: number, lines: number): string[] {
  const len = (t: string): number => Array.from(t).length;
  const words = text.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let cur = '';
  let k = 0;
  while (k < words.length && out.length < lines) {
    const next = cur ? `${cur} ${words[k]!}` : words[k]!;
    if (len(next) <= width) {
      cur = next;
      k++;
      continue;
    }
    if (!cur) {
      cur = truncate(words[k]!, width); // one word longer than a line
      k++;
    }
    out.push(cur);
    cur = '';
  }
  if (cur) out.push(cur);
  if (k < words.length && out.length > 0) {
    const last = out[out.length - 1]!;
    out[out.length - 1] = last.endsWith('…') ? last : len(last) < width ? `${last}…` : truncate(last, width);
  }
  return out;
}
