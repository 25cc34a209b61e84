import type { TrainableClassifier } from '@cnnkit/contracts';
import { type ExportMetadata, resolveExport } from './export-metadata.js';
import type { ExportOptions } from './export-options.js';
import { GRAPH_INPUT } from './inference-graph.js';
import { inferenceGraph } from './model-graph.js';
import { onnxModelProto } from './onnx-codec.js';
import { addOnnxStep, OnnxGraphBuilder } from './onnx-nodes.js';

/**
 * The ONNX operator set written: 17 runs in onnxruntime (node and web) and is the newest that
 * ONNX 1.12's checker and PyTorch 1.13's exporter know. IR version 8 is opset 17's.
 */
export const ONNX_OPSET = 17;
const ONNX_IR_VERSION = 8;
const FLOAT = 1;

/** `metadata_props`: strings as they are, everything else as JSON. */
function metadataProps(metadata: ExportMetadata): { key: string; value: string }[] {
  return Object.entries(metadata).map(([key, value]) => ({
    key,
    value: typeof value === 'string' ? value : JSON.stringify(value),
  }));
}

/**
 * The model as an ONNX file (opset 17, IR version 8) in evaluation mode: input `images`, NCHW
 * float32 `[batch, channels, height, width]` of normalised pixels (the layout and values of a
 * PyTorch export); output `logits` `[batch, classes]`, or `probabilities` with
 * `softmax: true`. Weights keep their PyTorch state_dict names and layouts; BatchNorm is
 * exported as `BatchNormalization` with its running statistics (not folded into the
 * convolutions, so the file loads back as the same weights); GELU is written with `Erf`. Class
 * names, preprocessing and the model's name and options go into `metadata_props`
 * ({@link ExportMetadata}; JSON values).
 *
 * Written with protobufjs from the official `onnx.proto`; works in browsers and Node.
 *
 * @example
 * ```ts
 * const bytes = await exportOnnx(model, { classNames: ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] });
 * writeFileSync('simple-cnn.onnx', bytes);
 * bytes.length > 248000; // true
 * ```
 */
export async function exportOnnx(
  model: TrainableClassifier,
  options: ExportOptions = {},
): Promise<Uint8Array> {
  const graph = await inferenceGraph(model);
  const resolved = resolveExport(graph, options);
  const builder = new OnnxGraphBuilder();
  const last = graph.steps.length - 1;
  graph.steps.forEach((step, i) => {
    addOnnxStep(builder, step, i === last ? 'logits' : step.name);
  });
  const output = resolved.softmax ? 'probabilities' : 'logits';
  if (resolved.softmax) {
    builder.node('Softmax', 'softmax', ['logits'], [{ name: 'axis', type: 'INT', i: 1 }], output);
  }
  const metadata = resolved.metadata('NCHW');
  const tensorType = (dims: ({ dim_param: string } | { dim_value: number })[]) => ({
    tensor_type: { elem_type: FLOAT, shape: { dim: dims } },
  });
  const ModelProto = await onnxModelProto();
  const message = ModelProto.fromObject({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'cnnkit',
    doc_string: `${graph.className}: ${GRAPH_INPUT} NCHW float32 [batch, ${graph.inputChannels}, ${resolved.height}, ${resolved.width}], ${metadata.preprocessing.formula} → ${output} [batch, ${graph.numClasses}]`,
    graph: {
      name: graph.className,
      node: builder.nodes,
      initializer: builder.initializers,
      input: [
        {
          name: GRAPH_INPUT,
          type: tensorType([
            { dim_param: 'batch' },
            { dim_value: graph.inputChannels },
            { dim_value: resolved.height },
            { dim_value: resolved.width },
          ]),
        },
      ],
      output: [
        {
          name: output,
          type: tensorType([{ dim_param: 'batch' }, { dim_value: graph.numClasses }]),
        },
      ],
    },
    metadata_props: metadataProps(metadata),
  });
  return ModelProto.encode(message).finish();
}
