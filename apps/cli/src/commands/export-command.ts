import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { CIFAR10_CLASS_NAMES } from '@cnnkit/datasets';
import {
  type ExportedFile,
  exportOnnx,
  exportTfjs,
  type ExportOptions as ModelExportOptions,
  ONNX_OPSET,
} from '@cnnkit/models';
import { writeFileAtomically } from '../atomic-file.js';
import { selectBackend } from '../backend.js';
import type { ExportOptions } from '../cli-program.js';
import { CNNKIT_VERSION } from '../model-weights.js';
import { checkFiniteWeights } from '../non-finite-weights.js';
import { loadWeightsFileModel } from '../weights-file-model.js';

const notify = (line: string) => process.stderr.write(`cnnkit: ${line}\n`);

/** `run/simple-cnn.safetensors` → `run/simple-cnn.onnx` or `run/simple-cnn-tfjs`. */
function defaultOut(weights: string, format: ExportOptions['format']): string {
  const stem = join(dirname(weights), basename(weights, extname(weights)));
  return format === 'onnx' ? `${stem}.onnx` : `${stem}-tfjs`;
}

/** Writes a TF.js export's files into `dir`, removing shards an earlier export left there. */
async function writeTfjsDirectory(dir: string, files: readonly ExportedFile[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const names = new Set(files.map((f) => f.name));
  for (const entry of await readdir(dir)) {
    if (/^group\d+-shard\d+of\d+\.bin$/.test(entry) && !names.has(entry)) {
      await rm(join(dir, entry));
    }
  }
  // Shards first: a reader that finds the new model.json finds its shards too.
  for (const file of [...files].reverse())
    await writeFileAtomically(join(dir, file.name), file.bytes);
}

/**
 * `cnnkit export`: a weights file as an ONNX model or a TensorFlow.js graph model, with class
 * names and preprocessing in the model's metadata.
 */
export async function exportCommand(options: ExportOptions): Promise<void> {
  // Exporting computes nothing: the cpu backend holds the weights on every machine.
  await selectBackend({ requested: 'cpu', log: () => {} });
  const loaded = await loadWeightsFileModel(options.weights, options.model);
  const { model } = loaded;
  try {
    checkFiniteWeights(options.weights, loaded.bytes, { allow: options.allowNonFinite, notify });
    // Files without class names are CIFAR-10 files (PyTorch's tutorial, cnnkit's before metadata).
    const { info } = loaded;
    const classNames =
      info.classNames ?? (model.numClasses === 10 ? CIFAR10_CLASS_NAMES : undefined);
    const exportOptions: ModelExportOptions = {
      softmax: options.softmax,
      ...(classNames ? { classNames } : {}),
      ...(info.normalize ? { normalization: info.normalize } : {}),
      ...(info.inputShape
        ? { inputSize: { height: info.inputShape[0], width: info.inputShape[1] } }
        : {}),
      ...(info.resize ? { resize: info.resize } : {}),
      cnnkitVersion: CNNKIT_VERSION,
    };
    const out = options.out ?? defaultOut(options.weights, options.format);
    const files: readonly ExportedFile[] =
      options.format === 'onnx'
        ? [{ name: basename(out), bytes: await exportOnnx(model, exportOptions) }]
        : await exportTfjs(model, exportOptions);
    if (options.format === 'onnx') {
      await mkdir(dirname(out), { recursive: true });
      await writeFileAtomically(out, files[0]?.bytes ?? new Uint8Array());
    } else {
      await writeTfjsDirectory(out, files);
    }
    const paths = files.map((f) => (options.format === 'onnx' ? out : join(out, f.name)));
    const size = files.reduce((n, f) => n + f.bytes.length, 0);
    const output = options.softmax ? 'probabilities' : 'logits';
    const layout = options.format === 'onnx' ? 'NCHW' : 'NHWC';
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({
          format: options.format,
          ...(options.format === 'onnx' ? { opset: ONNX_OPSET } : {}),
          files: files.map((f, i) => ({ path: paths[i], bytes: f.bytes.length })),
          model: loaded.modelName,
          modelFrom: loaded.modelSource,
          input: { name: 'images', layout },
          output,
          classNames: classNames ?? null,
          weights: options.weights,
        })}\n`,
      );
    } else {
      const what =
        options.format === 'onnx' ? `ONNX opset ${ONNX_OPSET}` : 'TensorFlow.js graph model';
      process.stdout.write(
        `${loaded.modelName} → ${what}: ${paths.join(', ')} (${size.toLocaleString('en-US')} bytes)\n` +
          `input images ${layout} float32, normalised as in the metadata's preprocessing; output ${output}` +
          `${classNames ? ` over ${classNames.length} classes (${classNames.slice(0, 3).join(', ')}${classNames.length > 3 ? ', …' : ''})` : ''}\n`,
      );
    }
  } finally {
    model.dispose();
  }
}
