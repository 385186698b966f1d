import { describe, expect, test } from 'vitest';
import { defaultState, formatUrlState, parseUrlState, PARAMS } from '../../src/ui/url-state';

describe('URL state', () => {
  test('declares each parameter once', () => {
    const names = PARAMS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    // The run's settings (src/core/settings.ts, in their declared order), then the view's.
    expect(names).toEqual([
      'task',
      'preset',
      'size',
      'seed',
      'model',
      'steps',
      'batch',
      'noise',
      'overseer',
      'heldout',
      'backend',
      'speed',
      'hide',
      'round',
      'presenter',
      'lesson',
    ]);
  });

  test('batch (questions per step) is read, left out at the default, and refused out of range', () => {
    expect(parseUrlState('?batch=512').state.batch).toBe(512);
    expect(parseUrlState('?batch=auto').state.batch).toBeUndefined();
    for (const bad of ['0', '5000', 'many', '-3']) {
      const { state, notices } = parseUrlState(`?batch=${bad}`);
      expect(state.batch).toBeUndefined();
      expect(notices.map((n) => n.param)).toEqual(['batch']);
      expect(notices[0]!.message).toContain("the learner's default");
    }
    expect(formatUrlState({ ...defaultState(), batch: 256 })).toBe('?batch=256');
  });

  test('lesson=K opens the lesson at step K; bad values are refused with a notice', () => {
    expect(parseUrlState('?lesson=3').state.lesson).toBe(3);
    expect(parseUrlState('').state.lesson).toBeUndefined();
    for (const bad of ['0', '21', 'two', '-1']) {
      const { state, notices } = parseUrlState(`?lesson=${bad}`);
      expect(state.lesson).toBeUndefined();
      expect(notices.map((n) => n.param)).toEqual(['lesson']);
      expect(notices[0]!.message).toContain('no lesson');
    }
    expect(formatUrlState({ ...defaultState(), lesson: 4 })).toBe('?lesson=4');
  });

  test('an empty query gives the defaults and no notices', () => {
    const { state, notices } = parseUrlState('');
    expect(state).toEqual(defaultState());
    expect(state.task).toBe('wildcard');
    expect(state.preset).toBe('workshop');
    expect(state.backend).toBe('auto');
    expect(notices).toEqual([]);
  });

  test('valid values are read', () => {
    const { state, notices } = parseUrlState(
      '?task=union-find&preset=paper&size=12&seed=42&backend=wasm&steps=30&speed=fast&model=medium&overseer=learned&heldout=120&hide=controls,explain',
    );
    expect(notices).toEqual([]);
    expect(state).toEqual({
      task: 'union-find',
      preset: 'paper',
      size: 12,
      seed: 42,
      backend: 'wasm',
      steps: 30,
      speed: 'fast',
      model: 'medium',
      overseer: 'learned',
      heldout: 120,
      hide: ['controls', 'explain'],
      round: undefined,
      presenter: false,
      noise: 0,
      lesson: undefined,
    });
  });

  test.each([
    ['task', 'task=nope'],
    ['preset', 'preset=huge'],
    ['size', 'size=-3'],
    ['size', 'size=1e3'],
    ['seed', 'seed=abc'],
    ['seed', 'seed=99999999999'],
    ['backend', 'backend=metal'],
    ['steps', 'steps=0'],
    ['steps', 'steps=3.5'],
    ['speed', 'speed=warp'],
    ['overseer', 'overseer=robot'],
    ['model', 'model=xl'],
    ['hide', 'hide=controls,everything'],
    ['heldout', 'heldout=0'],
  ])('an invalid %s falls back to its default with a notice naming it (%s)', (param, query) => {
    const { state, notices } = parseUrlState(query);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.param).toBe(param);
    expect(notices[0]!.message).toContain(param);
    expect(state).toEqual(defaultState());
  });

  test('a markup-looking value is only ever reported as text, shortened', () => {
    const { notices } = parseUrlState('?task=<img src=x onerror=alert(1)>');
    expect(notices[0]!.message.length).toBeLessThan(200);
    expect(notices[0]!.param).toBe('task');
  });

  test('size is checked against the task’s own range when given', () => {
    const range = () => [2, 10] as const;
    const { state, notices } = parseUrlState('?size=20', range);
    expect(state.size).toBeUndefined();
    expect(notices.map((n) => n.param)).toEqual(['size']);
    expect(parseUrlState('?size=9', range).state.size).toBe(9);
  });

  test('several bad values give one notice each; good ones are kept', () => {
    const { state, notices } = parseUrlState('?task=x&seed=7&speed=y');
    expect(notices.map((n) => n.param)).toEqual(['task', 'speed']);
    expect(state.seed).toBe(7);
  });

  test('formatting writes only non-defaults and round-trips', () => {
    expect(formatUrlState(defaultState())).toBe('');
    const s = {
      ...defaultState(),
      task: 'union-find' as const,
      seed: 5,
      steps: 20,
      hide: ['explain' as const],
    };
    const q = formatUrlState(s);
    expect(q).toBe('?task=union-find&seed=5&steps=20&hide=explain');
    expect(parseUrlState(q).state).toEqual(s);
  });
});

describe('notices', () => {
  test('name the default in words', () => {
    const { notices } = parseUrlState('?hide=x&steps=0&size=0&speed=z');
    expect(notices.map((n) => n.message)).toEqual([
      'Ignored size="0": it must be a whole number from 2 to 64. Using the default (the preset\'s size).',
      'Ignored steps="0": it must be a whole number from 1 to 10000. Using the default (the learner\'s default).',
      'Ignored speed="z": it must be one of slow, normal, fast, max. Using the default (normal).',
      'Ignored hide="x": it must be a comma-separated list of controls, explain, stats, facts, chart, tree, timeline, tools. Using the default (nothing hidden).',
    ]);
  });
});

describe('lesson-link parameters', () => {
  test('round and presenter are read, written only when set, and validated', () => {
    const { state, notices } = parseUrlState('?round=7&presenter=1&hide=timeline,tools');
    expect(notices).toEqual([]);
    expect(state.round).toBe(7);
    expect(state.presenter).toBe(true);
    expect(state.hide).toEqual(['timeline', 'tools']);
    expect(formatUrlState(state)).toBe('?hide=timeline%2Ctools&round=7&presenter=1');
    expect(formatUrlState(defaultState())).toBe('');
    const bad = parseUrlState('?round=-1&presenter=maybe');
    expect(bad.state.round).toBeUndefined();
    expect(bad.state.presenter).toBe(false);
    expect(bad.notices.map((n) => n.param)).toEqual(['round', 'presenter']);
  });
});
