// Issue 11, part 2: a noisy overseer on the page, against a clean run of the same seed.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { openPanel, screenshot, startHarness, stepRound, waitReady, type AppHarness } from './chromium';

let app: AppHarness;
beforeAll(async () => {
  app = await startHarness();
});
afterAll(async () => {
  await app?.close();
});

const panel = (page: Page) => page.getByTestId('noise-comparison');
const rows = (page: Page) =>
  page.getByRole('table', { name: 'Noisy and clean H per round' }).locator('tbody tr');
const sentence = (page: Page) => panel(page).locator('.noise-sentence');

describe('a noisy overseer', () => {
  test('with the default settings, runs live and is set against the recorded clean run', async () => {
    const { page, errors, close } = await app.open('?task=wildcard&noise=0.05&backend=wasm');
    await waitReady(page, 'wasm');
    // Not the recording's replay: a noisy run is trained live.
    await expect(page.getByRole('button', { name: 'Train it yourself' }).count()).resolves.toBe(0);
    await expect
      .poll(() => sentence(page).textContent(), { timeout: 30_000 })
      .toMatch(/No round yet; the clean run to compare with has \d+ rounds\./);
    await stepRound(page, 1);
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(1);
    const cells = await rows(page).first().locator('th, td').allTextContents();
    // public/runs/wildcard.json, round 1: X 26.2%, Amp(X) 46.4%.
    expect(cells[0]).toBe('1');
    expect(cells[2]).toBe('26%');
    expect(cells[4]).toBe('46%');
    expect(cells[1]).toMatch(/^\d+%$/);
    expect(await sentence(page).textContent()).toMatch(
      /^With 5% of H's answers wrong, X reached \d+% by round 1 against 26% with a clean H in the recorded run \(Amp\(X\) \d+% against 46%\)/,
    );
    await screenshot(page, 'noise-vs-recording');
    expect(errors).toEqual([]);
    await close();
  });

  test('a clean run trained here is what a noisy one is compared with', async () => {
    const { page, errors, close } = await app.open(
      '?task=union-find&seed=5&steps=1&model=small&backend=wasm',
    );
    await waitReady(page, 'wasm');
    await expect(panel(page).count()).resolves.toBe(0);
    await stepRound(page, 1);
    await stepRound(page, 2);
    await openPanel(page, 'Settings');
    await page.getByLabel('Overseer noise').fill('0.1');
    await page.getByLabel('Overseer noise').press('Enter');
    await expect.poll(() => page.url()).toContain('noise=0.1');
    await waitReady(page, 'wasm');
    await expect
      .poll(() => sentence(page).textContent(), { timeout: 30_000 })
      .toBe('No round yet; the clean run to compare with has 2 rounds.');
    await page.keyboard.press('Escape');
    await stepRound(page, 1);
    const cells = await rows(page).first().locator('th, td').allTextContents();
    expect(cells.map((c) => /^\d+%$/.test(c))).toEqual([false, true, true, true, true]);
    expect(await sentence(page).textContent()).toMatch(
      /^With 10% of H's answers wrong, X reached \d+% by round 1 against \d+% with a clean H \(Amp/,
    );
    expect(errors).toEqual([]);
    await close();
  });

  test('a bad noise value gives a notice and a clean overseer', async () => {
    const { page, errors, close } = await app.open('?noise=0.7&backend=wasm');
    const alert = page.getByRole('alert').filter({ hasText: 'Ignored' });
    await expect
      .poll(() => alert.textContent())
      .toContain(
        'Ignored noise="0.7": it must be a number from 0 to 0.5. Using the default (0, a clean overseer).',
      );
    await expect(panel(page).count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await close();
  });
});
