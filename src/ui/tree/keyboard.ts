/**
 * Arrow-key movement through the tree (WAI-ARIA tree pattern), as a pure function of the visible
 * nodes: Up/Down move in visual order, Left collapses or goes to the parent, Right expands or goes
 * to the first child, Home/End jump, Enter/Space toggle.
 */
import type { VisibleNode } from './model';

export type TreeAction =
  | { type: 'focus'; id: string }
  | { type: 'expand'; id: string }
  | { type: 'collapse'; id: string }
  | { type: 'none' };

export function keyAction(visible: readonly VisibleNode[], currentId: string, key: string): TreeAction {
  const i = visible.findIndex((v) => v.node.id === currentId);
  if (i < 0) return visible[0] ? { type: 'focus', id: visible[0].node.id } : { type: 'none' };
  const cur = visible[i]!;
  const focus = (v: VisibleNode | undefined): TreeAction =>
    v ? { type: 'focus', id: v.node.id } : { type: 'none' };
  switch (key) {
    case 'ArrowDown':
      return focus(visible[i + 1]);
    case 'ArrowUp':
      return focus(visible[i - 1]);
    case 'Home':
      return focus(visible[0]);
    case 'End':
      return focus(visible[visible.length - 1]);
    case 'ArrowRight':
      if (cur.node.expandable && !cur.expanded) return { type: 'expand', id: cur.node.id };
      return cur.expanded ? focus(visible[i + 1]) : { type: 'none' };
    case 'ArrowLeft':
      if (cur.expanded) return { type: 'collapse', id: cur.node.id };
      return cur.node.parent ? { type: 'focus', id: cur.node.parent.id } : { type: 'none' };
    case 'Enter':
    case ' ':
      if (!cur.node.expandable) return { type: 'none' };
      return cur.expanded ? { type: 'collapse', id: cur.node.id } : { type: 'expand', id: cur.node.id };
    default:
      return { type: 'none' };
  }
}
