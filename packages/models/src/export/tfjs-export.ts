import type { TrainableClassifier } from '@cnnkit/contracts';
import { resolveExport } from './export-metadata.js';
import type { ExportOptions } from './export-options.js';
import { GRAPH_INPUT } from './inference-graph.js';
import { inferenceGraph } from './model-graph.js';
import { TfGraphBuilder } from './tfjs-nodes.js';

/** One file of an export, named as the files that refer to it expect. */
export interface ExportedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** tensorflowjs_converter's default shard size: 4 MiB, which browsers cache well. */
const SHARD_BYTES = 4 * 1024 * 1024;

function concatenate(parts: readonly (Float32Array | Int32Array)[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const part of parts) {
    // Little-endian, as TF.js reads weights on every platform it runs on.
    for (const v of part) {
      if (part instanceof Int32Array) view.setInt32(offset, v, true);
      else view.setFloat32(offset, v, true);
      offset += 4;
    }
  }
  return bytes;
}

/**
 * The model as a TensorFlow.js graph model: `model.json` and its weight shards
 * (`group1-shard1ofN.bin`, 4 MiB each), which `tf.loadGraphModel` from
 * `@tensorflow/tfjs-converter` loads and runs without cnnkit. Input `images`: NHWC float32
 * `[batch, height, width, channels]` of normalised pixels (what `model.logits` takes); output
 * `logits` `[batch, classes]`, or `probabilities` with `softmax: true`. Evaluation mode:
 * BatchNorm uses its running statistics.
 *
 * A graph model, not a layers model: each node is the TensorFlow op that cnnkit's forward pass
 * calls, in the same order (`Conv2D`, `FusedBatchNormV3` → `tf.batchNorm`, GELU as
 * `Mul`/`Erf`/`AddV2`, `MaxPool`, `Max` for the global max-pool, `MatMul`, the output scale as a
 * `Mul`), so TF.js computes the same numbers and needs only tfjs-converter. A tfjs-layers model
 * would restate the models: its `gelu` activation orders the erf form differently, it has no
 * layer that multiplies by a constant (the output scale would be folded into the head), and it
 * adds tfjs-layers to what a page loads. Class names, preprocessing and the model's name and
 * options are in `userDefinedMetadata` ({@link ExportMetadata}; `model.metadata` once loaded).
 *
 * @example
 * ```ts
 * const files = await exportTfjs(model, { softmax: true });
 * files.map((f) => f.name).join(' '); // 'model.json group1-shard1of1.bin'
 * for (const file of files) writeFileSync(file.name, file.bytes);
 * ```
 */
export async function exportTfjs(
  model: TrainableClassifier,
  options: ExportOptions = {},
): Promise<ExportedFile[]> {
  const graph = await inferenceGraph(model);
  const resolved = resolveExport(graph, options);
  const builder = new TfGraphBuilder();
  builder.nodes.push({
    name: GRAPH_INPUT,
    op: 'Placeholder',
    attr: {
      dtype: { type: 'DT_FLOAT' },
      shape: {
        shape: {
          dim: [-1, resolved.height, resolved.width, graph.inputChannels].map((size) => ({
            size: String(size),
          })),
        },
      },
    },
  });
  let x = GRAPH_INPUT;
  for (const step of graph.steps) x = builder.step(step);
  if (resolved.softmax) builder.node('Softmax', 'probabilities', [x]);
  else builder.node('Identity', 'logits', [x]);

  const weights = concatenate(builder.data);
  const shardCount = Math.max(1, Math.ceil(weights.length / SHARD_BYTES));
  const shards = Array.from({ length: shardCount }, (_, i) => ({
    name: `group1-shard${i + 1}of${shardCount}.bin`,
    bytes: weights.slice(i * SHARD_BYTES, (i + 1) * SHARD_BYTES),
  }));
  const modelJson = {
    format: 'graph-model',
    generatedBy: `cnnkit ${graph.className}`,
    convertedBy: '@cnnkit/models exportTfjs',
    modelTopology: { node: builder.nodes, library: {}, versions: {} },
    weightsManifest: [{ paths: shards.map((s) => s.name), weights: builder.specs }],
    userDefinedMetadata: resolved.metadata('NHWC'),
  };
  return [
    { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)) },
    ...shards,
  ];
}
