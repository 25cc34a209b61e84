import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

// What a user's script does: tfjs-core and a backend, then this package, then gradients of
// ops whose gradient functions the CommonJS build lacks (Mean, Square, Conv2D, MaxPool, Relu).
const userScript = (gradientsImport: string) => `
  import * as tf from '@tensorflow/tfjs-core';
  import '@tensorflow/tfjs-backend-cpu';
  import '${gradientsImport}';
  tf.env().set('IS_NODE', false); // silences the "install tfjs-node" advice
  await tf.setBackend('cpu');
  const x = tf.tensor1d([1, 2, 3]);
  const dx = tf.grad((v) => tf.mean(tf.square(v)))(x);
  const w = tf.variable(tf.ones([3, 3, 1, 2]));
  const image = tf.ones([1, 4, 4, 1]);
  const { grads } = tf.variableGrads(() => tf.sum(tf.relu(tf.maxPool(tf.conv2d(image, w, 1, 'same'), 2, 2, 'valid'))));
  console.log(JSON.stringify({ dx: Array.from(dx.dataSync()), dw: Array.from(grads[w.name].dataSync()).slice(0, 4) }));
`;

function runNode(args: string[], cwd = packageDir) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
}

const expected = {
  dx: [2 / 3, 4 / 3, 2].map((v) => expect.closeTo(v, 6)),
  // Checked for sign below: every filter tap sees some pooled pixel of the image of ones.
  dw: expect.any(Array),
};

describe('@cnnkit/tfjs-gradients', () => {
  it('is needed: without it tfjs-core in Node has no gradient for Mean', () => {
    const run = runNode([
      '--input-type=module',
      '-e',
      userScript('@tensorflow/tfjs-core').replace("import '@tensorflow/tfjs-core';", ''),
    ]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/gradient function not found for (Mean|Square)/);
  });

  it('registers the gradients in plain Node ESM (the built package, empty stderr)', () => {
    const run = runNode(['--input-type=module', '-e', userScript('@cnnkit/tfjs-gradients')]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toEqual(expected);
    expect(result.dw.every((v: number) => v > 0)).toBe(true);
  });

  it('changes nothing else the process resolves', () => {
    const run = runNode([
      '--input-type=module',
      '-e',
      `await import('@cnnkit/tfjs-gradients');
       try { await import('./no-such-file'); } catch (e) { console.log(e.code); }`,
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('registers them in a bundle made from the browser entry (what Vite and webpack do)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnkit-gradients-bundle-'));
    const entry = join(dir, 'entry.mjs');
    writeFileSync(entry, userScript(join(packageDir, 'dist', 'browser.js')));
    const outfile = join(dir, 'bundle.mjs');
    await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      // Node as the host, but tfjs-core's ES modules (`module` field) as a browser bundler
      // picks them; tfjs's Node platform code still calls require('util').
      platform: 'node',
      mainFields: ['module', 'main'],
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      nodePaths: [join(packageDir, 'node_modules')],
      outfile,
      logLevel: 'silent',
    });
    const run = runNode([outfile], dir);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(expected);
  });
});
