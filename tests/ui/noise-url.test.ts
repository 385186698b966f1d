import { describe, expect, test } from 'vitest';
import { defaultState, formatUrlState, parseUrlState } from '../../src/ui/url-state';

describe('the noise parameter', () => {
  test('is read, written only when set, and round-trips', () => {
    for (const [raw, value] of [
      ['0', 0],
      ['0.05', 0.05],
      ['.1', 0.1],
      ['0.5', 0.5],
    ] as const) {
      const { state, notices } = parseUrlState(`?noise=${raw}`);
      expect(notices).toEqual([]);
      expect(state.noise).toBe(value);
      expect(parseUrlState(formatUrlState(state)).state).toEqual(state);
    }
    expect(formatUrlState({ ...defaultState(), noise: 0.05 })).toBe('?noise=0.05');
    expect(formatUrlState({ ...defaultState(), noise: 0 })).toBe('');
  });

  test.each(['0.6', '1', '-0.1', 'abc', '5%', '1e-2', 'NaN', 'Infinity', '0x1', '0.1.2'])(
    'noise=%s falls back to a clean overseer with a notice naming it',
    (raw) => {
      const { state, notices } = parseUrlState(`?seed=4&noise=${encodeURIComponent(raw)}`);
      expect(state.noise).toBe(0);
      expect(state.seed).toBe(4);
      expect(notices).toEqual([
        {
          param: 'noise',
          message: `Ignored noise="${raw}": it must be a number from 0 to 0.5. Using the default (0, a clean overseer).`,
        },
      ]);
    },
  );
});
