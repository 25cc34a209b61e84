import type { ResizePolicy } from '@cnnkit/contracts';
import {
  type ExportOptions,
  type Normalization,
  TUTORIAL_NORMALIZATION,
} from './export-options.js';
import type { InferenceGraph } from './inference-graph.js';

/** How to turn an image into the exported model's input. */
export interface Preprocessing {
  /** `NCHW` for ONNX (like PyTorch's exports), `NHWC` for TensorFlow.js. */
  readonly layout: 'NCHW' | 'NHWC';
  readonly height: number;
  readonly width: number;
  /** Image channels, in RGB order for colour images. */
  readonly channels: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** `(pixel / 255 - mean[c]) / std[c]`, for pixels 0–255. */
  readonly formula: string;
}

/**
 * What an exported file says about itself: ONNX `metadata_props` (values that are not strings
 * as JSON), TF.js `userDefinedMetadata` (as they are). `output` and `preprocessing` are for
 * whoever deploys the file; the `cnnkit.*` keys are those of cnnkit's weights files, so a file
 * brought back with `weightsFromOnnx` says the same.
 */
export interface ExportMetadata {
  /** The graph's output: class scores, or their softmax. */
  readonly output: 'logits' | 'probabilities';
  readonly preprocessing: Preprocessing;
  /** The registry name `createModel` takes. */
  readonly 'cnnkit.model_name': string;
  /** The `createModel` options, without `seed`. */
  readonly 'cnnkit.model_options': Readonly<Record<string, unknown>>;
  /** One name per class, in output order, when given. */
  readonly 'cnnkit.classes'?: readonly string[];
  /** `[height, width, channels]`. */
  readonly 'cnnkit.input_shape': readonly [number, number, number];
  readonly 'cnnkit.normalize': Normalization;
  /** How images of another size are resized to the input size, when given. */
  readonly 'cnnkit.resize'?: ResizePolicy;
  /** The cnnkit version that wrote the file, when given. */
  readonly 'cnnkit.version'?: string;
  /** BatchNorm's `num_batches_tracked` by state_dict key (not used by the graph). */
  readonly 'cnnkit.batch_counts': Readonly<Record<string, number>>;
}

/** Options checked against the graph, with defaults filled in. */
export interface ResolvedExport {
  readonly height: number;
  readonly width: number;
  readonly softmax: boolean;
  readonly metadata: (layout: Preprocessing['layout']) => ExportMetadata;
}

function checkNormalization(n: Normalization, channels: number): void {
  for (const [name, values] of [
    ['mean', n.mean],
    ['std', n.std],
  ] as const) {
    if (values.length !== channels || !values.every(Number.isFinite)) {
      throw new Error(
        `normalization.${name} must hold ${channels} finite numbers (one per channel), got [${values.join(', ')}].`,
      );
    }
  }
  if (!n.std.every((s) => s > 0)) {
    throw new Error(`normalization.std must be positive, got [${n.std.join(', ')}].`);
  }
}

/** Checks `options` against what the graph takes; every error names the option and the fix. */
export function resolveExport(graph: InferenceGraph, options: ExportOptions): ResolvedExport {
  const { height, width } = options.inputSize ?? graph.fixedInputSize ?? { height: 32, width: 32 };
  const fixed = graph.fixedInputSize;
  if (fixed && (height !== fixed.height || width !== fixed.width)) {
    throw new Error(
      `${graph.className} takes only ${fixed.height}×${fixed.width} images, got inputSize ${height}×${width}; leave inputSize out.`,
    );
  }
  const minimum = graph.minimumInputSide;
  if (![height, width].every((side) => Number.isInteger(side) && side >= minimum)) {
    throw new Error(
      `${graph.className} needs an inputSize of whole numbers from ${minimum}, got ${height}×${width}.`,
    );
  }
  const classNames = options.classNames;
  if (classNames && classNames.length !== graph.numClasses) {
    throw new Error(
      `classNames lists ${classNames.length} names but the model has ${graph.numClasses} classes; give one name per class.`,
    );
  }
  const normalization = options.normalization ?? TUTORIAL_NORMALIZATION;
  checkNormalization(normalization, graph.inputChannels);
  const normalize = { mean: [...normalization.mean], std: [...normalization.std] };
  const softmax = options.softmax ?? false;
  const { resize, cnnkitVersion } = options;
  if (resize !== undefined && resize !== 'shorter-side' && resize !== 'squash') {
    throw new Error(`resize must be "shorter-side" or "squash", got ${JSON.stringify(resize)}.`);
  }
  return {
    height,
    width,
    softmax,
    metadata: (layout) => ({
      output: softmax ? 'probabilities' : 'logits',
      preprocessing: {
        layout,
        height,
        width,
        channels: graph.inputChannels,
        ...normalize,
        formula: '(pixel / 255 - mean[c]) / std[c]',
      },
      'cnnkit.model_name': graph.modelName,
      'cnnkit.model_options': graph.modelOptions,
      ...(classNames ? { 'cnnkit.classes': [...classNames] } : {}),
      'cnnkit.input_shape': [height, width, graph.inputChannels],
      'cnnkit.normalize': normalize,
      ...(resize ? { 'cnnkit.resize': resize } : {}),
      ...(cnnkitVersion === undefined ? {} : { 'cnnkit.version': cnnkitVersion }),
      'cnnkit.batch_counts': graph.batchCounts,
    }),
  };
}
