/**
 * Tidy-tree layout (d3-hierarchy) of the visible part of a decomposition tree, top-down, plus the
 * cut line: above the root's questions sent to model X, below the root's lookups (which H does
 * itself). Pure: coordinates only, no DOM.
 */
import { hierarchy, tree, type HierarchyPointNode } from 'd3';
import { initialExpanded, type TreeNodeView } from './model';

export interface Spacing {
  /** Horizontal distance between neighbouring siblings. */
  dx: number;
  /** Vertical distance between levels. */
  dy: number;
  /** How far below a node's centre its label reaches. */
  labelDepth: number;
}

export interface LaidNode {
  id: string;
  node: TreeNodeView;
  x: number;
  y: number;
  parentId: string | null;
  expanded: boolean;
}

export interface LaidLink {
  /** The child's id. */
  id: string;
  sourceId: string;
  targetId: string;
  /** An edge the cut crosses: from the root to a question answered by model X. */
  crossesCut: boolean;
}

export interface Bounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface TreeLayout {
  nodes: LaidNode[];
  links: LaidLink[];
  bounds: Bounds;
  /** The root and the level the cut is drawn above (what matters most on a small screen). */
  topBounds: Bounds;
  /** The cut as an SVG path (steps under lookups), and where its label sits. */
  cut: { path: string; area: string; labelX: number; labelY: number } | null;
}

export function layoutTree(root: TreeNodeView, expanded: ReadonlySet<string>, sp: Spacing): TreeLayout {
  const h = hierarchy<TreeNodeView>(root, (n) =>
    expanded.has(n.id) && n.childCount > 0 ? [...n.children] : null,
  );
  const laid: HierarchyPointNode<TreeNodeView> = tree<TreeNodeView>()
    .nodeSize([sp.dx, sp.dy])
    .separation((a, b) => (a.parent === b.parent ? 1 : 1.15))(h);

  const nodes: LaidNode[] = [];
  const links: LaidLink[] = [];
  let x0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  laid.each((p) => {
    nodes.push({
      id: p.data.id,
      node: p.data,
      x: p.x,
      y: p.y,
      parentId: p.parent ? p.parent.data.id : null,
      expanded: Boolean(p.children),
    });
    if (p.parent)
      links.push({
        id: p.data.id,
        sourceId: p.parent.data.id,
        targetId: p.data.id,
        crossesCut: p.data.place === 'cut',
      });
    x0 = Math.min(x0, p.x);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  });
  const bounds: Bounds = { x0: x0 - sp.dx / 2, x1: x1 + sp.dx / 2, y0: -sp.dy * 0.3, y1: y1 + sp.labelDepth };
  const top = nodes.filter((n) => n.node.level <= 2).map((n) => n.x);
  const topBounds: Bounds = {
    x0: Math.min(...top) - sp.dx / 2,
    x1: Math.max(...top) + sp.dx / 2,
    y0: bounds.y0,
    y1: Math.min(bounds.y1, sp.dy + sp.labelDepth),
  };
  return { nodes, links, bounds, topBounds, cut: cutLine(laid, sp, bounds) };
}

/** The cut: just above model-answered children, dipping below the root's lookups. */
function cutLine(root: HierarchyPointNode<TreeNodeView>, sp: Spacing, b: Bounds): TreeLayout['cut'] {
  const high = sp.dy - (sp.dy - sp.labelDepth) / 2;
  const low = sp.dy + sp.labelDepth + (sp.dy - sp.labelDepth) / 3;
  const kids = [...(root.children ?? [])].sort((a, c) => a.x - c.x);
  if (kids.length === 0) {
    const y = sp.labelDepth + (sp.dy - sp.labelDepth) / 2;
    const path = `M${b.x0},${y}H${b.x1}`;
    return { path, area: `${path}V${b.y1}H${b.x0}Z`, labelX: b.x0, labelY: y };
  }
  const yOf = (k: HierarchyPointNode<TreeNodeView>): number => (k.data.place === 'cut' ? high : low);
  let y = yOf(kids[0]!);
  let path = `M${b.x0},${y}`;
  // The label goes on the longest stretch above the questions sent to X.
  let start = b.x0;
  let best = { x: b.x0, len: -1 };
  const close = (end: number): void => {
    if (y === high && end - start > best.len) best = { x: start, len: end - start };
  };
  for (let i = 1; i < kids.length; i++) {
    const ny = yOf(kids[i]!);
    if (ny !== y) {
      const mid = (kids[i - 1]!.x + kids[i]!.x) / 2;
      close(mid);
      path += `H${mid}V${ny}`;
      y = ny;
      start = mid;
    }
  }
  close(b.x1);
  path += `H${b.x1}`;
  const label = best.len >= 0 ? { labelX: best.x, labelY: high } : { labelX: b.x0, labelY: low };
  return { path, area: `${path}V${b.y1}H${b.x0}Z`, ...label };
}

/** The zoom that fits `bounds` into a width × height view (scale clamped), centred. */
export function fitTransform(
  bounds: Bounds,
  width: number,
  height: number,
  scaleRange: readonly [number, number] = [0.4, 1.25],
): { x: number; y: number; k: number } {
  const bw = Math.max(1, bounds.x1 - bounds.x0);
  const bh = Math.max(1, bounds.y1 - bounds.y0);
  const pad = 16;
  const fit = Math.min((width - 2 * pad) / bw, (height - 2 * pad) / bh);
  const k = Math.min(scaleRange[1], Math.max(scaleRange[0], fit));
  // Fits: centre it. Too big: keep the root (x = 0, top) in view, at the top centre.
  const fitsX = bw * k <= width - 2 * pad;
  const x = fitsX ? width / 2 - ((bounds.x0 + bounds.x1) / 2) * k : width / 2;
  const fitsY = bh * k <= height - 2 * pad;
  const y = fitsY ? height / 2 - ((bounds.y0 + bounds.y1) / 2) * k : pad - bounds.y0 * k;
  return { x, y, k };
}

/**
 * The first view of a tree: all of it when that fits with legible text (scale ≥ 0.85, and ≥
 * `legible`); else the root and the cut level across the width (scale ≥ `legible`), anchored at
 * the top, to pan from.
 */
export function autoTransform(
  l: TreeLayout,
  width: number,
  height: number,
  legible = 0.55,
): { x: number; y: number; k: number } {
  const pad = 16;
  const whole = fitTransform(l.bounds, width, height, [Math.max(0.85, legible), 1.4]);
  const fits =
    (l.bounds.x1 - l.bounds.x0) * whole.k <= width - 2 * pad &&
    (l.bounds.y1 - l.bounds.y0) * whole.k <= height - 2 * pad;
  if (fits) return whole;
  const top = fitTransform(l.topBounds, width, height, [legible, Math.max(1.2, legible)]);
  return { x: top.x, y: pad - l.bounds.y0 * top.k, k: top.k };
}

/**
 * The levels to open first so that the open tree fits a width × height view at scale `legible`
 * (the scale at which its labels are legible): whole levels, deepest first that fit, but always the
 * root and the cut level. Deeper levels stay closed, to open on demand.
 */
export function levelsThatFit(
  root: TreeNodeView,
  width: number,
  height: number,
  legible: number,
  spacingOf: (expanded: ReadonlySet<string>) => Spacing,
  opts: { maxVisible?: number; maxLevel?: number } = {},
): Set<string> {
  const pad = 16;
  const maxLevel = Math.min(opts.maxLevel ?? Infinity, 64);
  let best = initialExpanded(root, { maxVisible: opts.maxVisible, maxLevel: Math.min(2, maxLevel) });
  for (let level = 3; level <= maxLevel; level++) {
    const open = initialExpanded(root, { maxVisible: opts.maxVisible, maxLevel: level });
    if (open.size === best.size) break;
    const b = layoutTree(root, open, spacingOf(open)).bounds;
    if ((b.x1 - b.x0) * legible > width - 2 * pad || (b.y1 - b.y0) * legible > height - 2 * pad) break;
    best = open;
  }
  return best;
}
