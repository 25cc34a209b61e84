import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, expect, it } from 'vitest';
import { createBackendRegistry } from './backend-registry.js';
import { tensorflowCandidate } from './tensorflow-candidate.js';
import { registerCpuClone } from './test-support/cpu-clone-backend.js';

afterEach(() => {
  delete process.env.TF_CPP_MIN_LOG_LEVEL;
});

it('starts what the tfjs-node module registers, quiets libtensorflow first, and reads its version', async () => {
  delete process.env.TF_CPP_MIN_LOG_LEVEL;
  let logLevelAtImport: string | undefined;
  // Stands in for tfjs-node (which needs internet to install): importing it registers
  // the 'tensorflow' backend; its `version` names the packages.
  const load = async () => {
    logLevelAtImport = process.env.TF_CPP_MIN_LOG_LEVEL;
    registerCpuClone('tensorflow');
    return { version: { 'tfjs-core': '4.22.0', 'tfjs-node': '4.22.0' } };
  };
  const selected = await createBackendRegistry([tensorflowCandidate(load)]).select();
  expect(logLevelAtImport).toBe('2');
  expect(selected.description).toEqual({
    version: '4.22.0',
    detail: '@tensorflow/tfjs-node 4.22.0 (libtensorflow)',
  });
  expect(tf.getBackend()).toBe('tensorflow');
});

it('keeps a TF_CPP_MIN_LOG_LEVEL the user set', async () => {
  process.env.TF_CPP_MIN_LOG_LEVEL = '0';
  await tensorflowCandidate(() => Promise.reject(new Error('not installed')))
    .start()
    .catch(() => {});
  expect(process.env.TF_CPP_MIN_LOG_LEVEL).toBe('0');
});

it('says how to install tfjs-node when it is missing or not built', async () => {
  const failure = await import('@tensorflow/tfjs-node' as string).then(
    () => undefined,
    (error: Error) => error.message.split('\n')[0]?.replace(/\.+$/, ''),
  );
  const registry = createBackendRegistry([tensorflowCandidate()]);
  const selection = registry.select({ requested: 'tensorflow' });
  if (failure == null) {
    // Where tfjs-node is installed and built (it needs internet), it simply starts.
    await expect(selection).resolves.toMatchObject({ name: 'tensorflow' });
    return;
  }
  await expect(selection).rejects.toThrow(
    `The 'tensorflow' backend you asked for did not start: ${failure}. Install it with \`npm install @tensorflow/tfjs-node\` (needs internet; if it is installed, run \`npm rebuild @tensorflow/tfjs-node\`).`,
  );
});
