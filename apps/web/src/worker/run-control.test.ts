import { expect, test } from 'vitest';
import { RunControl } from './run-control.js';

test('a paused run waits until resumed, and stop both resumes and aborts it', async () => {
  const control = new RunControl();
  await control.waitWhilePaused(); // not paused: returns at once
  control.pause();
  expect(control.paused).toBe(true);
  let resumed = false;
  const waiting = control.waitWhilePaused().then(() => {
    resumed = true;
  });
  await Promise.resolve();
  expect(resumed).toBe(false);
  control.resume();
  await waiting;
  expect(resumed).toBe(true);

  control.pause();
  const stopped = control.waitWhilePaused();
  control.stop();
  await stopped;
  expect(control.abort.signal.aborted).toBe(true);
  expect(control.paused).toBe(false);
});

test('a lost context aborts the run, releases a pause and rejects `lost`', async () => {
  const control = new RunControl();
  control.pause();
  const waiting = control.waitWhilePaused();
  control.loseContext();
  await waiting;
  expect(control.contextLost).toBe(true);
  expect(control.abort.signal.aborted).toBe(true);
  await expect(control.lost).rejects.toThrow('the WebGL context was lost');
});
