/**
 * Where the lesson's card goes: beside the highlighted parts, never over them when the window
 * has room, inside the window always. Pure geometry (viewport pixels).
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const MARGIN = 8;

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(v, Math.max(lo, hi)));
}

/**
 * The card's top-left corner: the first candidate (right of, left of, below, above the parts,
 * then the window's corners) that covers the least of them.
 */
export function placeCard(
  holes: readonly Box[],
  card: { w: number; h: number },
  view: { w: number; h: number },
): { x: number; y: number } {
  const fit = (x: number, y: number): Box => ({
    x: clamp(x, MARGIN, view.w - card.w - MARGIN),
    y: clamp(y, MARGIN, view.h - card.h - MARGIN),
    w: card.w,
    h: card.h,
  });
  if (holes.length === 0) return fit((view.w - card.w) / 2, (view.h - card.h) / 3);
  const left = Math.min(...holes.map((b) => b.x));
  const top = Math.min(...holes.map((b) => b.y));
  const right = Math.max(...holes.map((b) => b.x + b.w));
  const bottom = Math.max(...holes.map((b) => b.y + b.h));
  const candidates: Box[] = [
    fit(right + MARGIN, top),
    fit(left - card.w - MARGIN, top),
    fit(left, bottom + MARGIN),
    fit(left, top - card.h - MARGIN),
    fit(view.w, view.h),
    fit(0, view.h),
    fit(view.w, 0),
    fit(0, 0),
  ];
  let best = candidates[0]!;
  let bestCover = Infinity;
  for (const c of candidates) {
    const cover = holes.reduce((sum, b) => sum + overlap(c, b), 0);
    if (cover < bestCover) {
      best = c;
      bestCover = cover;
    }
  }
  return { x: best.x, y: best.y };
}
