// Issue 11, part 3: "Be the overseer", played with the keyboard only (Tab, arrows, Space, Enter):
// once right (H's subquestions, the true answer) and once wrong (a wrong subquestion, a wrong
// answer), with a recorded run's X and with the live X. Which candidate is H's is worked out here
// by running H itself on the answers the page shows.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { UNKNOWN, type Answer } from '../../src/core/answer';
import { makeSample, type Sample } from '../../src/core/sample';
import { accuracyRows, screenshot, startHarness, waitReady, type AppHarness } from './chromium';

let app: AppHarness;
beforeAll(async () => {
  app = await startHarness();
});
afterAll(async () => {
  await app?.close();
});

const isFocused = (l: Locator): Promise<boolean> => l.evaluate((el) => el === document.activeElement);

/** Presses Tab until `target` has the focus. */
async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

/** H's next subquestion's text given the answers the page shows, or undefined when H is done. */
async function overseerNext(dialog: Locator, s: Sample): Promise<string | undefined> {
  const got = new Map<string, Answer>();
  for (const li of await dialog.getByRole('list', { name: 'What you asked' }).locator('li').all())
    got.set(
      (await li.getAttribute('data-key'))!,
      JSON.parse((await li.getAttribute('data-answer'))!) as Answer,
    );
  const run = s.task.overseer(s.ctx, s.question);
  let step = run.next(UNKNOWN);
  while (!step.done) {
    const a = got.get(s.task.questionKey(step.value));
    if (a === undefined) return s.task.questionText(step.value);
    step = run.next(a);
  }
  return undefined;
}

/** Chooses the candidate at `index` in the radio group, by keyboard, and asks it. */
async function askCandidate(page: Page, dialog: Locator, index: number): Promise<void> {
  const radios = dialog.getByRole('radio');
  const asked = dialog.getByRole('list', { name: 'What you asked' }).locator('li');
  const before = await asked.count();
  await tabTo(page, radios.first());
  if (index === 0) await page.keyboard.press('Space');
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  expect(await radios.nth(index).isChecked()).toBe(true);
  await tabTo(page, dialog.getByRole('button', { name: 'Ask', exact: true }));
  await page.keyboard.press('Enter');
  await expect.poll(() => asked.count(), { timeout: 20_000 }).toBe(before + 1);
}

/** The labels of the offered subquestions (the question text, then "(lookup)" or "(ask X)"). */
const offeredTexts = async (dialog: Locator): Promise<string[]> =>
  Promise.all(
    (await dialog.getByRole('radio').all()).map((r) =>
      r.evaluate((el) => el.parentElement!.textContent!.trim()),
    ),
  );

/** Picks the final answer whose text is `text` in the select, by keyboard, and answers. */
async function answerWith(page: Page, dialog: Locator, text: string): Promise<void> {
  const select = dialog.getByLabel('Your answer');
  const options = await select.locator('option').allTextContents();
  const index = options.indexOf(text);
  expect(index).toBeGreaterThanOrEqual(0);
  await tabTo(page, select);
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  expect(await select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]!.textContent)).toBe(text);
  await tabTo(page, dialog.getByRole('button', { name: 'Answer', exact: true }));
  await page.keyboard.press('Enter');
}

async function openOverseer(page: Page, s: Sample): Promise<Locator> {
  await tabTo(page, page.getByRole('button', { name: 'Be the overseer' }));
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Be the overseer' });
  await dialog.waitFor();
  expect(await dialog.getByTestId('overseer-question').textContent()).toBe(s.questionText);
  return dialog;
}

/** Plays H's way: H's subquestion at every step, then the true answer. */
async function playRight(page: Page, dialog: Locator, s: Sample): Promise<void> {
  for (let next = await overseerNext(dialog, s); next !== undefined; next = await overseerNext(dialog, s)) {
    const texts = await offeredTexts(dialog);
    const index = texts.findIndex((t) => t.startsWith(`${next} (`));
    expect(index, `H's "${next}" among ${JSON.stringify(texts)}`).toBeGreaterThanOrEqual(0);
    await askCandidate(page, dialog, index);
  }
  await answerWith(page, dialog, s.truthText);
  const verdict = dialog.getByTestId('overseer-verdict');
  await verdict.waitFor({ timeout: 20_000 });
  expect(await verdict.textContent()).toContain(
    `Right: your Amp(X) answers ${s.truthText}, the true answer.`,
  );
  await expectTrees(dialog);
}

/** Plays a wrong subquestion (one X answers) first, then a wrong final answer. */
async function playWrong(page: Page, dialog: Locator, s: Sample): Promise<void> {
  const next = (await overseerNext(dialog, s))!;
  const texts = await offeredTexts(dialog);
  const index = texts.findIndex((t) => !t.startsWith(`${next} (`) && t.endsWith('(ask X)'));
  expect(index, JSON.stringify(texts)).toBeGreaterThanOrEqual(0);
  const wrongText = texts[index]!.replace(/ \(ask X\)$/, '');
  await askCandidate(page, dialog, index);
  const options = await dialog.getByLabel('Your answer').locator('option').allTextContents();
  const wrong = options.find((o) => o !== s.truthText)!;
  await answerWith(page, dialog, wrong);
  const verdict = dialog.getByTestId('overseer-verdict');
  await verdict.waitFor({ timeout: 20_000 });
  expect(await verdict.textContent()).toContain(
    `Wrong: your Amp(X) answers ${wrong}; the true answer is ${s.truthText}.`,
  );
  const why = await dialog.getByRole('list', { name: 'Why' }).textContent();
  expect(why).toContain(`You asked “${wrongText}” where H asks “${next}”`);
  await expectTrees(dialog);
  // The visitor's tree marks the subquestion H does not ask.
  expect(await dialog.getByRole('region', { name: 'Your tree' }).textContent()).toContain(
    'H does not ask this',
  );
}

async function expectTrees(dialog: Locator): Promise<void> {
  const mine = dialog.getByRole('region', { name: 'Your tree' });
  const h = dialog.getByRole('region', { name: "H's tree: Amp(X)" });
  expect(await mine.isVisible()).toBe(true);
  expect(await h.isVisible()).toBe(true);
  expect(await h.locator('li').count()).toBeGreaterThan(1);
}

describe('Be the overseer (keyboard only)', () => {
  test("with a recorded run's X: right, then wrong", async () => {
    // The permutation recording (seed 1) at round 4: its X answers from the recording.
    const { page, errors, close } = await app.open('?task=permutation&backend=wasm&round=4');
    await page.getByTestId('recording-badge').waitFor({ timeout: 20_000 });
    const s = makeSample('permutation', 'workshop', undefined, 1, 0)!;
    const dialog = await openOverseer(page, s);
    expect(await dialog.textContent()).toContain("X is the recorded run's model at round 4.");
    await playRight(page, dialog, s);
    await screenshot(page, 'be-overseer-recording-right');
    await tabTo(page, dialog.getByRole('button', { name: 'Play again' }));
    await page.keyboard.press('Enter');
    await playWrong(page, dialog, s);
    // Escape closes the dialog; focus returns to its button; nothing was trained meanwhile.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await isFocused(page.getByRole('button', { name: 'Be the overseer' }))).toBe(true);
    expect(await page.getByTestId('recording-badge').count()).toBe(1);
    expect(errors).toEqual([]);
    await close();
  });

  test('with the live X: wrong, then right', async () => {
    // Seed 2 has no recording: X is the model in this tab's worker (round 0).
    const { page, errors, close } = await app.open('?task=permutation&backend=wasm&seed=2');
    await waitReady(page, 'wasm');
    const s = makeSample('permutation', 'workshop', undefined, 2, 0)!;
    const dialog = await openOverseer(page, s);
    expect(await dialog.textContent()).toContain(
      'X is the model trained in this tab, as it is now (round 0).',
    );
    await playWrong(page, dialog, s);
    // The live X answered: no answer is missing.
    expect(await dialog.textContent()).not.toContain('not available');
    await screenshot(page, 'be-overseer-live-wrong');
    await tabTo(page, dialog.getByRole('button', { name: 'Play again' }));
    // The page's shortcuts (→: step a round, P: presenter mode) stay out of the dialog.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('p');
    await page.keyboard.press('Enter');
    await playRight(page, dialog, s);
    // No round was trained and presenter mode stayed off.
    await page.waitForTimeout(500);
    expect(await accuracyRows(page).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.classList.contains('presenter'))).toBe(false);
    expect(errors).toEqual([]);
    await close();
  });
});
