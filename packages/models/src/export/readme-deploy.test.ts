// Runs the three programs of the root README's "Deploy" section (onnxruntime-node,
// onnxruntime-web, TF.js) as a user would: each in a fresh Node process, on files exportOnnx and
// exportTfjs wrote, and checks they print cnnkit's own logits for the same image.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainableClassifier } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../test-support/backends.js';
import { trainedModel } from '../test-support/export-acceptance.js';
import { exportOnnx } from './onnx-export.js';
import { exportTfjs } from './tfjs-export.js';

const README = fileURLToPath(new URL('../../../../README.md', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** The made-up image every program classifies; the test checks they all spell it this way. */
const PIXELS_LINE =
  'const pixels = Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * 7) % 256);';
const PIXELS = Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * 7) % 256);

function deployPrograms(): string[] {
  const readme = readFileSync(README, 'utf8');
  const section = /\n## Deploy[^\n]*\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

function run(
  script: string,
  cwd: string,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Serves `root` over HTTP, as a web page's server would serve the exported files. */
function serve(root: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = normalize(
      join(root, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)),
    );
    try {
      const body = readFileSync(path);
      response.writeHead(200, { 'content-length': body.length });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe("the README's deploy programs", () => {
  const programs = deployPrograms();
  let model: TrainableClassifier;
  let expected: number[] = [];
  let dir = '';
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    await useBackend('wasm');
    model = await trainedModel('simple-cnn', {}, { epochs: 1 });
    expected = tf.tidy(() =>
      Array.from(
        model
          .logits(tf.sub(tf.div(tf.tensor4d(PIXELS, [1, 32, 32, 3], 'float32'), 127.5), 1))
          .dataSync(),
      ),
    );
    // Inside the package, so the programs' imports resolve to its devDependencies.
    dir = mkdtempSync(join(PACKAGE_DIR, '.readme-deploy-'));
    const onnx = await exportOnnx(model);
    const tfjs = await exportTfjs(model);
    for (const base of ['my-run', 'models']) {
      mkdirSync(join(dir, base, 'simple-cnn-tfjs'), { recursive: true });
      writeFileSync(join(dir, base, 'simple-cnn.onnx'), onnx);
      for (const file of tfjs)
        writeFileSync(join(dir, base, 'simple-cnn-tfjs', file.name), file.bytes);
    }
    server = await serve(dir);
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    model?.dispose();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has the three programs, each classifying the same made-up image', () => {
    expect(programs.map((p) => /from '([^']+)'/.exec(p)?.[1])).toEqual([
      'onnxruntime-node',
      'onnxruntime-web',
      '@tensorflow/tfjs-converter',
    ]);
    for (const program of programs) expect(program).toContain(PIXELS_LINE);
  });

  it.each([
    ['onnxruntime-node', 0],
    ['onnxruntime-web', 1],
    ['TF.js graph model', 2],
  ])('%s prints cnnkit’s logits (within 1e-4)', async (_, index) => {
    // The page's URLs, '/models/…': onnxruntime-web in Node reads a string as a file path, so
    // it gets the same files by a path; TF.js fetches, so it gets this test's server.
    const base = index === 1 ? 'models/' : `${origin}/models/`;
    const program = (programs[index] ?? '').replaceAll("('/models/", `('${base}`);
    const { code, out, err } = await run(program, dir);
    expect(
      err.replace(/\n?=+\nHi, looks like you are running TensorFlow\.js in Node\.js\..*\n=+\n/, ''),
    ).toBe('');
    expect(code).toBe(0);
    const printed = out.trim().split(' ').map(Number);
    expect(printed).toHaveLength(10);
    const diff = Math.max(...printed.map((v, i) => Math.abs(v - (expected[i] as number))));
    expect(diff).toBeLessThanOrEqual(1e-4);
  });
});
