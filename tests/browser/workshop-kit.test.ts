// Issue 5's browser tests (items 3–6): recorded runs, the round timeline, nothing lost
// (IndexedDB, export/import), lesson links. The built app in real Chromium; training is kept
// small (wasm backend, a small model, 1 step per round).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import {
  accuracyRows,
  openPanel,
  screenshot,
  startHarness,
  stepRound,
  waitReady,
  type AppHarness,
} from './chromium';

let app: AppHarness;
let dir: string;
beforeAll(async () => {
  app = await startHarness();
  dir = mkdtempSync(path.join(tmpdir(), 'amplab-kit-'));
});
afterAll(async () => {
  await app?.close();
});

const LIVE = '?backend=wasm&steps=1&model=small';
const tableRows = accuracyRows;
const tableText = (page: Page) =>
  tableRows(page).evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()));
const slider = (page: Page) => page.getByRole('slider', { name: 'Round', exact: true });
const treeRound = (page: Page) => page.locator('[data-model-round]').getAttribute('data-model-round');
const cursorX = (page: Page) => page.locator('.chart-panel line.cursor').getAttribute('x1');
const sentence = (page: Page) => page.locator('p.sentence').textContent();

/** The round of the run kept in this page's IndexedDB, or null when none is kept. */
const keptRound = (page: Page): Promise<number | null> =>
  page.evaluate(
    () =>
      new Promise<number | null>((resolve, reject) => {
        const req = indexedDB.open('amplification-lab');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('runs')) {
            db.close();
            resolve(null);
            return;
          }
          const get = db.transaction('runs').objectStore('runs').get('current');
          get.onerror = () => reject(get.error);
          get.onsuccess = () => {
            db.close();
            const run = get.result as { snapshot?: { round?: number } } | undefined;
            resolve(run?.snapshot?.round ?? null);
          };
        };
      }),
  );

async function trainedRun(rounds: number): Promise<Awaited<ReturnType<AppHarness['open']>>> {
  const opened = await app.open(LIVE);
  await waitReady(opened.page, 'wasm');
  for (let r = 1; r <= rounds; r++) await stepRound(opened.page, r);
  await opened.page.locator(`[data-saved-round="${rounds}"]`).waitFor({ timeout: 30_000 });
  return opened;
}

describe('recorded runs and the round timeline', () => {
  test('the first view plays the recorded run at once, without training', async () => {
    const t0 = Date.now();
    const { page, errors, close } = await app.open();
    await page.getByTestId('recording-badge').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => tableRows(page).count(), { timeout: 15_000, interval: 50 })
      .toBeGreaterThanOrEqual(5);
    const at = await page.evaluate(() => performance.now());
    const tree = await page.evaluate(() => (window as unknown as { firstTreeAt: number }).firstTreeAt);
    console.log(
      `recording: tree drawn at ${Math.round(tree)} ms, 5 rounds shown ${Math.round(at)} ms after navigation start (${Date.now() - t0} ms wall)`,
    );
    // How soon is a figure (printed above; 1.6–2.9 s on the loaded development machine), not a
    // pass mark: a busy machine shows it later. No training is needed for it (asserted below).
    expect(await page.getByTestId('recording-label').textContent()).toMatch(
      /Recorded \d{4}-\d\d-\d\d .*seed 1/,
    );
    // Nothing trains: the live model stays at round 0 and Play is not running.
    expect(await page.locator('button.play').textContent()).toBe('Play');
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'kit-recording-first-view');
    // Another task shows its own recording.
    await page.getByLabel('Task', { exact: true }).selectOption('wildcard');
    await expect.poll(() => page.getByTestId('recording-label').count()).toBe(1);
    await expect.poll(() => tableRows(page).count(), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    const first = await tableRows(page).first().textContent();
    expect(first).toMatch(/^\s*1/);
    // "Train it yourself" leaves the recording and trains live.
    await page.getByRole('button', { name: 'Train it yourself' }).click();
    await expect.poll(() => page.getByTestId('recording-badge').count()).toBe(0);
    await expect.poll(() => page.locator('button.play').textContent(), { timeout: 60_000 }).toBe('Pause');
    await page.locator('button.play').click();
    expect(errors).toEqual([]);
    await close();
  });

  test('scrubbing the Round slider moves the tree, the chart cursor and the sentence', async () => {
    const { page, errors, close } = await app.open('?round=3');
    await page.getByTestId('recording-badge').waitFor();
    // ?round=3 opens the recording at round 3 (all rounds shown).
    await expect.poll(() => slider(page).inputValue()).toBe('3');
    await expect.poll(() => treeRound(page)).toBe('3');
    const x3 = await cursorX(page);
    const s3 = await sentence(page);
    expect(s3).toContain('Round 3');
    await slider(page).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => slider(page).inputValue()).toBe('5');
    await expect.poll(() => treeRound(page)).toBe('5');
    expect(await cursorX(page)).not.toBe(x3);
    expect(await sentence(page)).toContain('Round 5');
    expect(new URL(page.url()).searchParams.get('round')).toBe('5');
    await page.keyboard.press('Home');
    await expect.poll(() => treeRound(page)).toBe('0');
    await screenshot(page, 'kit-scrubbed-round-0');
    // Presenter mode: P toggles it; ←/→ move through the rounds.
    await page.locator('h1').click();
    await page.keyboard.press('p');
    await expect
      .poll(() => page.evaluate(() => document.documentElement.classList.contains('presenter')))
      .toBe(true);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => slider(page).inputValue()).toBe('1');
    await expect.poll(() => treeRound(page)).toBe('1');
    await screenshot(page, 'kit-presenter');
    await page.keyboard.press('p');
    await expect
      .poll(() => page.evaluate(() => document.documentElement.classList.contains('presenter')))
      .toBe(false);
    expect(errors).toEqual([]);
    await close();
  });
});

describe('nothing lost', () => {
  test('a reload keeps the trained run, and training continues from it', async () => {
    const { page, errors, close } = await trainedRun(2);
    const before = await tableText(page);
    expect(before).toHaveLength(2);
    // The timeline works on live runs too.
    await slider(page).focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => treeRound(page)).toBe('1');
    await page.reload();
    await expect.poll(() => tableText(page), { timeout: 10_000 }).toEqual(before);
    await waitReady(page, 'wasm');
    expect(await page.getByTestId('recording-badge').count()).toBe(0);
    await stepRound(page, 3, 60_000);
    expect((await tableText(page)).slice(0, 2)).toEqual(before);
    await screenshot(page, 'kit-after-reload');
    expect(errors).toEqual([]);
    await close();
  });

  // The run's identity must not depend on which settings the URL spells out: the default model
  // here, and the default steps too for the first.
  for (const query of [
    // A small batch keeps the default steps' round short; steps and model stay the learner's.
    '?backend=wasm&batch=8',
    '?task=wildcard&backend=wasm&steps=3',
    '?task=union-find&backend=wasm&steps=3',
  ])
    test(`a reload keeps the run trained at ${query}`, async () => {
      const { page, errors, close } = await app.open(query);
      await waitReady(page, 'wasm');
      await stepRound(page, 1);
      await page.locator('[data-saved-round="1"]').waitFor({ timeout: 30_000 });
      expect(await keptRound(page)).toBe(1);
      const before = await tableText(page);
      expect(before).toHaveLength(1);
      await page.reload();
      await expect.poll(() => tableText(page), { timeout: 20_000 }).toEqual(before);
      expect(await page.getByTestId('recording-badge').count()).toBe(0);
      await page.locator('[data-saved-round="1"]').waitFor({ timeout: 20_000 });
      const task = new URLSearchParams(query).get('task') ?? 'wildcard';
      expect(await page.getByLabel('Task', { exact: true }).inputValue()).toBe(task);
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(errors).toEqual([]);
      await close();
    });

  test('a failed save says so on the page, and what to do', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    // A browser that keeps nothing (IndexedDB missing, as in some private modes).
    await context.addInitScript(() =>
      Object.defineProperty(window, 'indexedDB', { configurable: true, get: () => undefined }),
    );
    const page = await context.newPage();
    await page.goto(app.url + LIVE);
    await waitReady(page, 'wasm');
    await stepRound(page, 1);
    const failed = page.getByTestId('save-failed');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.getAttribute('role')).toBe('alert');
    const text = (await failed.textContent()) ?? '';
    expect(text).toContain('could not be kept in this browser (IndexedDB is not available)');
    expect(text).toContain('Export run');
    expect(await page.locator('[data-saved-round]').count()).toBe(0);
    await screenshot(page, 'kit-save-failed');
    await context.close();
  });

  test('export then import gives identical metrics; CSV and figures download', async () => {
    const { page, errors, close } = await trainedRun(2);
    const before = await tableText(page);
    await openPanel(page, 'Share & save');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export run' }).click(),
    ]);
    const file = path.join(dir, 'run.json');
    await download.saveAs(file);
    const run = JSON.parse(readFileSync(file, 'utf8'));
    expect(run.format).toBe('amplification-lab/run');
    expect(run.snapshot.history).toHaveLength(2);
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csvFile = path.join(dir, 'run.csv');
    await csv.saveAs(csvFile);
    const lines = readFileSync(csvFile, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(
      /^round,examples,overseerCalls,labels,modelAccuracy,amplifiedAccuracy,supervisedAccuracy,depth1Model/,
    );
    expect(lines).toHaveLength(3);
    for (const [label, ext] of [
      ['Chart SVG', 'svg'],
      ['Tree PNG', 'png'],
    ] as const) {
      const [d] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: label }).click(),
      ]);
      expect(d.suggestedFilename()).toMatch(new RegExp(`\\.${ext}$`));
      const out = path.join(dir, `fig.${ext}`);
      await d.saveAs(out);
      const bytes = readFileSync(out);
      if (ext === 'svg') expect(bytes.toString('utf8')).toContain('<svg');
      else expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    // Start over, then import: the same rounds come back.
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => tableRows(page).count()).toBe(0);
    await page.getByLabel('Import run').setInputFiles(file);
    await expect.poll(() => tableText(page), { timeout: 30_000 }).toEqual(before);
    expect(await page.getByRole('alert').count()).toBe(0);
    await waitReady(page, 'wasm');
    await stepRound(page, 3, 60_000);
    expect(errors).toEqual([]);
    await close();
  });

  test('a garbage import shows an alert and changes nothing', async () => {
    const { page, close } = await trainedRun(1);
    const before = await tableText(page);
    await openPanel(page, 'Share & save');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export run' }).click(),
    ]);
    const good = path.join(dir, 'good.json');
    await download.saveAs(good);
    const text = readFileSync(good, 'utf8');
    const run = JSON.parse(text);
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const withMarkup = structuredClone(run);
    withMarkup.snapshot.history[0].backend = hostile;
    const taskMarkup = structuredClone(run);
    taskMarkup.settings.task = hostile;
    const badShape = structuredClone(run);
    const name = Object.keys(badShape.snapshot.weights.x)[0] as string;
    const w = badShape.snapshot.weights.x[name];
    // A consistent but wrong shape (same number of values): only the model can tell.
    w.shape = [w.shape.reduce((a: number, b: number) => a * b, 1)];
    // The 21 MB file goes in by path: as a buffer, Playwright would send it through the protocol.
    const huge = path.join(dir, 'huge.json');
    writeFileSync(huge, Buffer.alloc(21 * 1024 * 1024, 0x20));
    const cases: [string, Buffer | string][] = [
      ['random.json', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
      ['truncated.json', Buffer.from(text.slice(0, Math.floor(text.length / 2)))],
      [
        'wrong-shape.json',
        Buffer.from(JSON.stringify({ format: 'amplification-lab/run', version: 1, settings: [] })),
      ],
      ['markup.json', Buffer.from(JSON.stringify(withMarkup))],
      [`${hostile}.json`, Buffer.from(JSON.stringify(taskMarkup))],
      ['tensor.json', Buffer.from(JSON.stringify(badShape))],
      ['huge.json', huge],
    ];
    for (const [fileName, file] of cases) {
      await page
        .getByLabel('Import run')
        .setInputFiles(
          typeof file === 'string' ? file : { name: fileName, mimeType: 'application/json', buffer: file },
        );
      const alert = page.getByRole('alert').filter({ hasText: 'Could not import' });
      await alert.waitFor({ timeout: 20_000 });
      const message = (await alert.textContent()) ?? '';
      expect(message, fileName).toContain('The current run is unchanged');
      expect(await tableText(page), fileName).toEqual(before);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      if (fileName === 'tensor.json') await screenshot(page, 'kit-import-refused');
      await alert.getByRole('button', { name: 'Dismiss' }).click();
      await expect.poll(() => alert.count()).toBe(0);
    }
    // The run still trains.
    await waitReady(page, 'wasm');
    await stepRound(page, 2, 60_000);
    await close();
  });
});

describe('lesson links', () => {
  test('"Share this view" gives a link with the settings, the round and the hidden parts', async () => {
    const { page, errors, context, close } = await app.open(
      '?task=union-find&seed=7&steps=1&model=small&backend=wasm',
    );
    await waitReady(page, 'wasm');
    await stepRound(page, 1, 60_000);
    await stepRound(page, 2, 60_000);
    await slider(page).focus();
    await page.keyboard.press('ArrowLeft');
    await openPanel(page, 'Share & save');
    await page.getByRole('group', { name: 'The link hides' }).getByLabel('charts').check();
    await page.getByRole('group', { name: 'The link hides' }).getByLabel('explanations').check();
    // The page itself keeps showing them.
    expect(await page.getByRole('heading', { name: 'Accuracy', exact: true }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Share this view' }).click();
    const field = page.getByTestId('share-url');
    await field.waitFor();
    const url = new URL(await field.inputValue());
    expect(url.searchParams.get('task')).toBe('union-find');
    expect(url.searchParams.get('seed')).toBe('7');
    expect(url.searchParams.get('steps')).toBe('1');
    expect(url.searchParams.get('model')).toBe('small');
    expect(url.searchParams.get('round')).toBe('1');
    expect(url.searchParams.get('hide')?.split(',').sort()).toEqual(['chart', 'explain']);
    await screenshot(page, 'kit-share');
    // Opening the link (same browser, so the kept run comes back) shows that view.
    const other = await context.newPage();
    await other.goto(url.href);
    await expect.poll(() => other.getByLabel('Task', { exact: true }).inputValue()).toBe('union-find');
    expect(await other.getByLabel('Seed').inputValue()).toBe('7');
    expect(await other.getByLabel('Steps per round').inputValue()).toBe('1');
    expect(await other.getByLabel('Model size').inputValue()).toBe('small');
    expect(await other.getByRole('heading', { name: 'Accuracy', exact: true }).isVisible()).toBe(false);
    expect(await other.getByRole('heading', { name: 'How it works' }).isVisible()).toBe(false);
    await expect.poll(() => slider(other).inputValue(), { timeout: 15_000 }).toBe('1');
    await expect.poll(() => treeRound(other), { timeout: 15_000 }).toBe('1');
    expect(new URL(other.url()).search).toBe(url.search);
    expect(errors).toEqual([]);
    await close();
  });
});
