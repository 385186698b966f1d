// Issue 10: the page as a stage. At 1280×720 (a laptop, most projectors) and 1920×1080 (presenter
// mode too), the question, the tree, the chart, Play / Step round and the Round slider are on the
// first screen for every task; the tree opens with legible labels; settings and "Share & save"
// open on demand; one backend label.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { TASK_IDS } from '../../src/core/task';
import { backendStatus, screenshot, startHarness, type AppHarness } from './chromium';

let app: AppHarness;
beforeAll(async () => {
  app = await startHarness();
});
afterAll(async () => {
  await app?.close();
});

const VIEWS = [
  { name: '1280x720', width: 1280, height: 720, extra: '' },
  { name: '1920x1080', width: 1920, height: 1080, extra: '' },
  { name: '1920x1080-presenter', width: 1920, height: 1080, extra: '&presenter=1' },
] as const;

/** Whether the element's box lies wholly inside the first viewport (no scrolling). */
async function inFirstView(page: Page, what: string, selector: string): Promise<string | null> {
  const el = page.locator(selector).first();
  await el.waitFor({ timeout: 20_000 });
  const box = await el.boundingBox();
  const vp = page.viewportSize()!;
  if (!box) return `${what}: no box`;
  const inside =
    box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5;
  return inside ? null : `${what} at ${JSON.stringify(box)} is outside ${vp.width}×${vp.height}`;
}

/** The smallest label text of the tree, in px on screen (font size × the tree's zoom). */
const smallestTreeLabel = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const svg = document.querySelector('svg[role="tree"]')!;
    const g = svg.querySelector('g[transform]')!;
    const k = Number(/scale\(([^)]+)\)/.exec(g.getAttribute('transform') ?? '')?.[1] ?? NaN);
    const sizes = [
      ...svg.querySelectorAll('g.node text.question, g.node text.truth, g.node text.verdict'),
    ].map((t) => parseFloat(getComputedStyle(t).fontSize) * k);
    return Math.min(...sizes);
  });

describe('the stage: the loop at a glance', () => {
  for (const view of VIEWS)
    test(`at ${view.name}, every task's question, tree, chart, Play, Step round and Round slider are on the first screen`, async () => {
      const { page, errors, close } = await app.open(`?task=permutation&backend=wasm${view.extra}`, view);
      const problems: string[] = [];
      for (const task of TASK_IDS) {
        await page.getByLabel('Task', { exact: true }).selectOption(task);
        await expect.poll(() => new URL(page.url()).searchParams.get('task') ?? 'wildcard').toBe(task);
        await page.getByRole('tree', { name: 'Decomposition tree' }).getByRole('treeitem').first().waitFor();
        // Let the first fit settle (the tree fits itself to its box once laid out).
        await page.waitForTimeout(300);
        for (const [what, selector] of [
          ['question', '[data-testid="question"]'],
          ['tree', 'svg[role="tree"]'],
          ['chart', '.chart-panel .plot svg'],
          ['Play', 'button.play'],
          ['Step round', 'button:text-is("Step round")'],
          ['Round slider', '#round-slider'],
        ] as const) {
          const p = await inFirstView(page, `${task}: ${what}`, selector);
          if (p) problems.push(p);
        }
        const label = await smallestTreeLabel(page);
        console.log(`${view.name} ${task}: smallest tree label ${label.toFixed(1)} px`);
        if (!(label >= 11.95)) problems.push(`${task}: tree labels ${label.toFixed(1)} px on screen`);
        expect(await page.evaluate(() => window.scrollY)).toBe(0);
        if (task === 'wildcard') await screenshot(page, `stage-${view.name}-wildcard`);
      }
      expect(problems).toEqual([]);
      // One backend label on the page (the Settings panel's "Backend" is a choice, not a label).
      expect(await page.getByText(/^\s*Backend:\s/).count()).toBe(1);
      expect(await page.locator('[data-stat="backend"]').count()).toBe(0);
      expect(await backendStatus(page).count()).toBe(1);
      expect(errors).toEqual([]);
      await close();
    });

  test('a 390 px phone stacks the stage: question, timeline, tree, chart, with no horizontal overflow', async () => {
    const { page, errors, close } = await app.open('?task=union-find&backend=wasm', {
      width: 390,
      height: 844,
    });
    await page.getByRole('tree', { name: 'Decomposition tree' }).getByRole('treeitem').first().waitFor();
    const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
    const question = await box('[data-testid="question"]');
    const slider = await box('#round-slider');
    const tree = await box('svg[role="tree"]');
    const chart = await box('.chart-panel .plot svg');
    expect(question.y).toBeLessThan(slider.y);
    expect(slider.y).toBeLessThan(tree.y);
    expect(tree.y).toBeLessThan(chart.y);
    expect(tree.height).toBeGreaterThanOrEqual(300);
    for (const b of [question, slider, tree, chart]) expect(b.x + b.width).toBeLessThanOrEqual(390);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'stage-phone-390');
    // With the worker ready (its status line shown) and on another task, still no overflow.
    await expect
      .poll(async () => (await backendStatus(page).textContent())?.trim(), { timeout: 60_000 })
      .toBe('Backend: wasm');
    await page.getByLabel('Task', { exact: true }).selectOption({ label: 'Permutation powering' });
    await page.getByRole('tree', { name: 'Decomposition tree' }).getByRole('treeitem').first().waitFor();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBeLessThanOrEqual(0);
    await screenshot(page, 'phone-390');
    expect(errors).toEqual([]);
    await close();
  });

  // One page load for both: reading the banner does not touch the panels.
  test('a recording names its backend in its banner; "Overseer calls vs labels" is defined on the page; Settings and "Share & save" open on demand; Escape closes them and gives focus back', async () => {
    const { page, errors, close } = await app.open('?backend=wasm', { width: 1280, height: 720 });
    await page.getByTestId('recording-badge').waitFor();
    expect(await page.getByTestId('recording-label').textContent()).toMatch(
      /Recorded \d{4}-\d\d-\d\d on \w+/,
    );
    expect(await page.locator('[data-stat="backend"]').count()).toBe(0);
    const supervision = page.locator('[data-stat="supervision"]');
    const definedBy = await supervision.getAttribute('aria-describedby');
    expect(definedBy).toBeTruthy();
    const definition = (await page.locator(`#${definedBy}`).textContent()) ?? '';
    expect(definition).toMatch(/overseer H/);
    expect(definition).toMatch(/true answers the supervised baseline was given/);

    const settings = page.getByRole('button', { name: 'Settings', exact: true });
    expect(await settings.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByLabel('Seed').isVisible()).toBe(false);
    await settings.click();
    expect(await settings.getAttribute('aria-expanded')).toBe('true');
    for (const label of ['Preset', 'Size', 'Seed', 'Model size', 'Steps per round', 'Speed', 'Backend'])
      expect(await page.getByLabel(label, { exact: true }).isVisible(), label).toBe(true);
    await screenshot(page, 'stage-settings-open');
    await page.keyboard.press('Escape');
    expect(await settings.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByLabel('Seed').isVisible()).toBe(false);
    expect(await settings.evaluate((el) => el === document.activeElement)).toBe(true);
    // Share & save holds the export, import, CSV, figure and link tools.
    const tools = page.getByRole('button', { name: 'Share & save', exact: true });
    await tools.click();
    for (const name of [
      'Export run',
      'Export CSV',
      'Chart SVG',
      'Chart PNG',
      'Tree SVG',
      'Tree PNG',
      'Share this view',
    ])
      expect(await page.getByRole('button', { name, exact: true }).isVisible(), name).toBe(true);
    expect(await page.getByRole('group', { name: 'The link hides' }).isVisible()).toBe(true);
    await screenshot(page, 'stage-share-open');
    // Opening one panel closes the other.
    await settings.click();
    expect(await tools.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Escape');
    expect(await settings.getAttribute('aria-expanded')).toBe('false');
    expect(errors).toEqual([]);
    await close();
  });
});
