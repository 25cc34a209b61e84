import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import type { ExportedFile } from '../export/tfjs-export.js';

/** Scores from an ONNX file in onnxruntime-node, `[count, classes]` row-major. */
export async function onnxRuntimeScores(
  onnx: Uint8Array,
  nchw: Float32Array,
  count: number,
  output = 'logits',
  [height, width]: readonly [number, number] = [32, 32],
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnx);
  try {
    const images = new ort.Tensor('float32', nchw, [count, 3, height, width]);
    const result = await session.run({ images });
    const scores = result[output];
    if (!scores) throw new Error(`the ONNX model has no output ${output}`);
    return Float32Array.from(scores.data as Float32Array);
  } finally {
    await session.release();
  }
}

/** Writes an export's files into a new temporary directory and returns it. */
export function writeExport(files: readonly ExportedFile[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'cnnkit-tfjs-export-'));
  for (const file of files) writeFileSync(join(dir, file.name), file.bytes);
  return dir;
}

/**
 * Loads `dir/model.json` with tfjs-converter's own loader and tfjs-core's io helpers only, as a
 * user without cnnkit would (Node has no `file://` fetch without tfjs-node).
 */
export function loadGraphModelFromDirectory(dir: string): Promise<GraphModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  return loadGraphModel({
    load: () =>
      tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const bytes = Buffer.concat(
          manifest.flatMap((group) => group.paths).map((p) => readFileSync(join(dir, p))),
        );
        const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        return [manifest.flatMap((group) => group.weights), data];
      }),
  });
}

/** Scores of a graph model in batches of 100 on the current backend. */
export function graphModelScores(
  model: GraphModel,
  nhwc: Float32Array,
  count: number,
  classes: number,
): Float32Array {
  const out = new Float32Array(count * classes);
  const image = nhwc.length / count;
  const side = Math.sqrt(image / 3);
  for (let start = 0; start < count; start += 100) {
    const n = Math.min(100, count - start);
    const scores = tf.tidy(() => {
      const x = tf.tensor4d(nhwc.subarray(start * image, (start + n) * image), [n, side, side, 3]);
      return model.predict(x) as tf.Tensor;
    });
    out.set(scores.dataSync() as Float32Array, start * classes);
    scores.dispose();
  }
  return out;
}

export const PYTHON = '/usr/bin/python3';
const PYTORCH_SCRIPTS = fileURLToPath(new URL('../../../../scripts/pytorch/', import.meta.url));

/** Whether /usr/bin/python3 can import `modules` (python3-onnx, python3-torch from Debian). */
export function pythonHas(modules: string): boolean {
  return spawnSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0;
}

/** Runs scripts/pytorch/`script` with `args`; throws with its stderr when it fails. */
export function runPytorchScript(script: string, args: readonly string[]): string {
  const run = spawnSync(PYTHON, [join(PYTORCH_SCRIPTS, script), ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${script} failed (${run.status}):\n${run.stderr}`);
  return run.stdout;
}
