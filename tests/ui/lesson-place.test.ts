import { describe, expect, test } from 'vitest';
import { placeCard, type Box } from '../../src/ui/lesson/place';

const view = { w: 1280, h: 720 };
const card = { w: 400, h: 300 };
const covers = (p: { x: number; y: number }, b: Box): boolean =>
  p.x < b.x + b.w && p.x + card.w > b.x && p.y < b.y + b.h && p.y + card.h > b.y;
const inside = (p: { x: number; y: number }): boolean =>
  p.x >= 0 && p.y >= 0 && p.x + card.w <= view.w && p.y + card.h <= view.h;

describe("the lesson card's place", () => {
  test.each<[string, Box[]]>([
    ['the tree on the right', [{ x: 480, y: 60, w: 790, h: 540 }]],
    ['the chart on the left', [{ x: 10, y: 320, w: 460, h: 300 }]],
    [
      'the header buttons and the chart',
      [
        { x: 400, y: 8, w: 300, h: 40 },
        { x: 10, y: 320, w: 460, h: 300 },
      ],
    ],
    [
      'the tree and the timeline',
      [
        { x: 480, y: 60, w: 790, h: 520 },
        { x: 10, y: 590, w: 1260, h: 120 },
      ],
    ],
    ['a button', [{ x: 20, y: 200, w: 140, h: 40 }]],
  ])('beside %s, inside the window, covering none of it', (_, holes) => {
    const p = placeCard(holes, card, view);
    expect(inside(p)).toBe(true);
    for (const b of holes) expect(covers(p, b)).toBe(false);
  });

  test('with nothing highlighted it sits inside the window', () => {
    expect(inside(placeCard([], card, view))).toBe(true);
  });

  test('when every place covers something, it covers the least', () => {
    const p = placeCard([{ x: 0, y: 0, w: 1280, h: 500 }], card, view);
    expect(p.y).toBe(view.h - card.h - 8);
  });
});
