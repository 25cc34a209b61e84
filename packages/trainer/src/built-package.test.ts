import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dist = join(packageDir, 'dist');

describe('the built package', () => {
  it('trains a step in a fresh Node process (gradients registered), with empty stderr', () => {
    const script = `
      const tf = await import('@tensorflow/tfjs-core');
      await import('@tensorflow/tfjs-backend-cpu');
      const { SgdOptimizer, crossEntropyLoss } = await import('@cnnkit/trainer');
      const node = await import('@cnnkit/trainer/node');
      tf.env().set('IS_NODE', false); // silences the "install tfjs-node" banner
      await tf.setBackend('cpu');
      const w = tf.tidy(() => tf.variable(tf.zeros([4, 3])));
      const x = tf.ones([2, 4]);
      const y = tf.tensor1d([0, 2], 'int32');
      const { grads } = tf.variableGrads(() => crossEntropyLoss(tf.matMul(x, w), y), [w]);
      new SgdOptimizer([{ name: 'w', variable: w }], { lr: 0.6 }).step(new Map([['w', grads[w.name]]]));
      console.log(Array.from(w.dataSync().slice(0, 3)).join(' '), typeof node.saveCheckpoint);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    // Gradient of mean cross-entropy at zero logits, summed over the two rows: [-1/6, 1/3, -1/6].
    const values = run.stdout.trim().split(' ');
    expect(values.slice(0, 3).map(Number)).toEqual(
      [0.1, -0.2, 0.1].map((v) => expect.closeTo(v, 6)),
    );
    expect(values[3]).toBe('function');
  });

  it('registers gradients through @cnnkit/tfjs-gradients, not a bundled copy of tfjs-core', () => {
    const built = readdirSync(dist).filter((f) => f.endsWith('.js'));
    const importers = built.filter((f) =>
      readFileSync(join(dist, f), 'utf8').includes("import '@cnnkit/tfjs-gradients'"),
    );
    expect(importers.length).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    expect(manifest.dependencies['@cnnkit/tfjs-gradients']).toBeDefined();
  });

  it('keeps Node built-ins out of the browser entry', () => {
    const browserFiles = readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'node.js');
    for (const file of browserFiles) {
      const imports = [...readFileSync(join(dist, file), 'utf8').matchAll(/from\s+'([^']+)'/g)].map(
        (m) => m[1],
      );
      for (const name of imports)
        expect(name).toMatch(
          /^(\.\/|@cnnkit\/(contracts|random|safetensors|tfjs-gradients)$|@tensorflow\/tfjs-core$)/,
        );
    }
  });
});
