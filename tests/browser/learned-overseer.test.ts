// Issue 11: the learned overseer on the page (?overseer=learned), in real Chromium on wasm.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshot, startHarness, stepRound, waitReady, type AppHarness } from './chromium';

let app: AppHarness;
beforeAll(async () => {
  app = await startHarness();
});
afterAll(async () => {
  await app?.close();
});

describe("the learned overseer H'", () => {
  test("overseer=learned trains with H': calls to H against examples, and H''s agreement, under the chart", async () => {
    const { page, errors, close } = await app.open(
      '?task=wildcard&backend=wasm&steps=10&model=small&overseer=learned',
    );
    await waitReady(page, 'wasm');
    const panel = page.getByTestId('overseer-calls');
    // Nothing to show before a round with H' has finished.
    expect(await panel.count()).toBe(0);
    await stepRound(page, 1);
    await stepRound(page, 2);
    expect(await panel.isVisible()).toBe(true);
    const calls = Number(
      ((await panel.locator('[data-stat="calls-to-h"]').textContent()) ?? '').replace(/,/g, ''),
    );
    const examples = Number(
      ((await page.locator('[data-stat="examples"]').textContent()) ?? '').replace(/,/g, ''),
    );
    // Round 1 is mostly H's; H' takes over once it agrees, so the calls stay below the examples (with
    // H, every example is at least one call).
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThan(examples);
    expect(await panel.locator('[data-stat="learned-agreement"]').textContent()).toMatch(/^\d+(\.\d)?%$/);
    expect(await panel.getByRole('img', { name: 'Per round: examples and calls to H' }).count()).toBe(1);
    await screenshot(page, 'learned-overseer-panel');
    // H' is part of the run: after a reload the kept run brings back the panel, its counts and H''s
    // agreement (issue 16: the round's learnedOverseerAgreement was dropped on the way).
    const agreement = await panel.locator('[data-stat="learned-agreement"]').textContent();
    const callsText = await panel.locator('[data-stat="calls-to-h"]').textContent();
    // Round 2 is kept once its tree answers are in; a reload before that brings back round 1.
    await page.locator('[data-saved-round="2"]').waitFor({ timeout: 30_000 });
    await page.reload();
    await expect
      .poll(() => panel.locator('[data-stat="calls-to-h"]').textContent(), { timeout: 20_000 })
      .toBe(callsText);
    expect(await panel.locator('[data-stat="learned-agreement"]').textContent()).toBe(agreement);
    expect(errors).toEqual([]);
    await close();
  });
});
