import * as tf from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { cpuCandidate } from './cpu-candidate.js';

it('starts cpu with its version, without tfjs\'s "install tfjs-node" advice', async () => {
  const warn = vi.spyOn(console, 'warn');
  const description = await cpuCandidate(() => import('@tensorflow/tfjs-backend-cpu')).start();
  expect(description).toEqual({
    version: '4.22.0',
    detail: '@tensorflow/tfjs-backend-cpu 4.22.0 (plain JavaScript, slowest)',
  });
  expect(tf.getBackend()).toBe('cpu');
  tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync());
  expect(warn).not.toHaveBeenCalled();
});
