// Issue 2's browser test: the built page opens, each task draws a question and a tree.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshot, startHarness, type AppHarness } from './chromium';

const TASK_LABELS = [
  'Permutation powering',
  'Sequential assignments',
  'Wildcard search',
  'Shortest path',
  'Union find',
];

let app: AppHarness;
beforeAll(async () => {
  app = await startHarness();
});
afterAll(async () => {
  await app?.close();
});

describe('first page', () => {
  test('each task draws a question and a tree of at least three nodes, with no console errors', async () => {
    const { page, errors, close } = await app.open();
    const select = page.getByLabel('Task', { exact: true });
    const options = await select.locator('option').allTextContents();
    expect(options).toEqual(TASK_LABELS);
    for (const label of TASK_LABELS) {
      await select.selectOption({ label });
      const question = page.getByTestId('question');
      await expect.poll(async () => (await question.textContent())?.trim().length ?? 0).toBeGreaterThan(3);
      const tree = page.getByRole('tree', { name: 'Decomposition tree' });
      await expect.poll(() => tree.getByRole('treeitem').count()).toBeGreaterThanOrEqual(3);
      const first = tree.getByRole('treeitem').first();
      expect(await first.getAttribute('aria-label')).toContain((await question.textContent())!.trim());
      await screenshot(page, `task-${label.toLowerCase().replace(/ /g, '-')}`);
    }
    // "New question" draws another question (same context).
    await select.selectOption({ label: 'Permutation powering' });
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      seen.add((await page.getByTestId('question').textContent()) ?? '');
      await page.getByRole('button', { name: 'New question' }).click();
    }
    expect(seen.size).toBeGreaterThan(1);
    expect(errors).toEqual([]);
    await close();
  });
});
