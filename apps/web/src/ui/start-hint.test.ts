import { expect, test } from 'vitest';
import type { BackendStatus } from '../protocol.js';
import { type StartState, startHint, stillChecking } from './start-hint.js';

const states = (entries: [string, BackendStatus['state']][]) => new Map(entries);

const loading: StartState = {
  phase: 'starting',
  busyWith: '',
  dataReady: false,
  activeBackend: undefined,
  backends: states([
    ['wasm', 'checking'],
    ['webgl', 'checking'],
    ['cpu', 'checking'],
  ]),
};

test('before a backend is ready, the hint names the one being checked', () => {
  expect(startHint(loading)).toBe(
    'Start unlocks when a backend has passed its check (checking wasm…).',
  );
  expect(
    startHint({
      ...loading,
      backends: states([
        ['wasm', 'failed'],
        ['webgl', 'checking'],
      ]),
    }),
  ).toBe('Start unlocks when a backend has passed its check (checking webgl…).');
});

test('the first ready backend is enough: the others may still be checking', () => {
  const ready: StartState = {
    ...loading,
    phase: 'idle',
    dataReady: true,
    activeBackend: 'wasm',
    backends: states([
      ['wasm', 'ok'],
      ['webgl', 'checking'],
      ['cpu', 'checking'],
    ]),
  };
  expect(startHint(ready)).toBe('Ready: trains on wasm.');
  expect(stillChecking(ready.backends)).toEqual(['webgl', 'cpu']);
  expect(startHint({ ...ready, dataReady: false })).toBe('Start unlocks when the data has loaded.');
  expect(startHint({ ...ready, phase: 'busy', busyWith: 'the archive is read' })).toBe(
    'Start unlocks when the archive is read.',
  );
  expect(startHint({ ...ready, phase: 'switching' })).toBe(
    'Start unlocks when the backend switch is done.',
  );
  expect(startHint({ ...ready, phase: 'training' })).toBe('');
});

test('when no backend works, the hint says so instead of waiting forever', () => {
  expect(
    startHint({
      ...loading,
      phase: 'busy',
      backends: states([
        ['wasm', 'failed'],
        ['cpu', 'failed'],
      ]),
    }),
  ).toBe('No backend passed its check in this browser: see the reasons under 1 · Backend.');
});
