/** Where each node starts its move when the tree re-lays out: pure helpers for the animation. */

export interface Pt {
  x: number;
  y: number;
}

const parentOf = (id: string): string | null => (id.includes('.') ? id.slice(0, id.lastIndexOf('.')) : null);

/**
 * Start positions for a move to `target`: a node already on screen starts where it is; a new
 * one grows out of its nearest ancestor on screen (or appears in place if there is none).
 */
export function startPositions(
  target: ReadonlyMap<string, Pt>,
  current: ReadonlyMap<string, Pt>,
): Map<string, Pt> {
  return new Map(
    [...target].map(([id, p]) => {
      let pid = current.has(id) ? id : parentOf(id);
      while (pid && !current.has(pid)) pid = parentOf(pid);
      return [id, (pid && current.get(pid)) || p];
    }),
  );
}

export function anyMoves(from: ReadonlyMap<string, Pt>, to: ReadonlyMap<string, Pt>): boolean {
  for (const [id, p] of to) {
    const s = from.get(id);
    if (!s || s.x !== p.x || s.y !== p.y) return true;
  }
  return false;
}

/** Positions a fraction `e` (0…1, eased) of the way from `from` to `to`. */
export function between(
  from: ReadonlyMap<string, Pt>,
  to: ReadonlyMap<string, Pt>,
  e: number,
): Map<string, Pt> {
  return new Map(
    [...to].map(([id, p]) => {
      const s = from.get(id) ?? p;
      return [id, { x: s.x + (p.x - s.x) * e, y: s.y + (p.y - s.y) * e }];
    }),
  );
}
