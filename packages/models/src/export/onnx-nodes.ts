import type { GraphStep, GraphWeight } from './inference-graph.js';

/** An ONNX `NodeProto`, `TensorProto` and attribute as protobufjs plain objects (the schema's field names). */
export interface OnnxNode {
  readonly name: string;
  readonly op_type: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute: readonly OnnxAttribute[];
}

export type OnnxAttribute =
  | { readonly name: string; readonly type: 'FLOAT'; readonly f: number }
  | { readonly name: string; readonly type: 'INT'; readonly i: number }
  | { readonly name: string; readonly type: 'INTS'; readonly ints: readonly number[] };

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** TensorProto.DataType: FLOAT. */
  readonly data_type: 1;
  /** Little-endian float32 values, as the format requires. */
  readonly raw_data: Uint8Array;
}

export function onnxTensor(
  name: string,
  dims: readonly number[],
  values: Float32Array,
): OnnxTensor {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => {
    view.setFloat32(4 * i, v, true);
  });
  return { name, dims, data_type: 1, raw_data: raw };
}

const ints = (name: string, values: readonly number[]): OnnxAttribute => ({
  name,
  type: 'INTS',
  ints: values,
});

/** Collects nodes and initializers; constants are shared by name (`const.half`). */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();

  /** Adds a node; its output is named like the node unless `output` says otherwise. */
  node(
    op: string,
    name: string,
    input: readonly string[],
    attribute: readonly OnnxAttribute[] = [],
    output = name,
  ): string {
    this.nodes.push({ name, op_type: op, input, output: [output], attribute });
    return output;
  }

  /** A weight in PyTorch's layout, named by its state_dict key. */
  weight(weight: GraphWeight): string {
    if (!this.names.has(weight.name)) {
      this.names.add(weight.name);
      const { layout } = weight;
      this.initializers.push(
        onnxTensor(weight.name, layout.torchShape, layout.toTorch(weight.values)),
      );
    }
    return weight.name;
  }

  /** A float32 scalar constant. */
  scalar(name: string, value: number): string {
    if (!this.names.has(name)) {
      this.names.add(name);
      this.initializers.push(onnxTensor(name, [], Float32Array.of(value)));
    }
    return name;
  }
}

/**
 * Appends the ONNX nodes (opset 17) of one step; its last node's output is `output`.
 * GELU is spelled out with Erf (ONNX has a Gelu operator only from opset 20), in the order
 * cnnkit's `gelu` computes it: `(x · 0.5) · (1 + erf(x · √½))`.
 */
export function addOnnxStep(g: OnnxGraphBuilder, step: GraphStep, output: string): void {
  switch (step.kind) {
    case 'conv2d': {
      if (step.padding === 'same' && step.kernelSize % 2 === 0) {
        throw new Error(
          `${step.name}: 'same' padding with an even kernel has no symmetric ONNX pads.`,
        );
      }
      const pad = step.padding === 'same' ? (step.kernelSize - 1) / 2 : 0;
      const inputs = [
        step.input,
        g.weight(step.weight),
        ...(step.bias ? [g.weight(step.bias)] : []),
      ];
      g.node(
        'Conv',
        step.name,
        inputs,
        [
          ints('kernel_shape', [step.kernelSize, step.kernelSize]),
          ints('pads', [pad, pad, pad, pad]),
          ints('strides', [1, 1]),
          ints('dilations', [1, 1]),
        ],
        output,
      );
      return;
    }
    case 'batch-norm':
      g.node(
        'BatchNormalization',
        step.name,
        [
          step.input,
          g.weight(step.scale),
          g.weight(step.offset),
          g.weight(step.mean),
          g.weight(step.variance),
        ],
        [{ name: 'epsilon', type: 'FLOAT', f: step.eps }],
        output,
      );
      return;
    case 'relu':
      g.node('Relu', step.name, [step.input], [], output);
      return;
    case 'gelu': {
      const half = g.node('Mul', `${step.name}.half`, [step.input, g.scalar('const.half', 0.5)]);
      const scaled = g.node('Mul', `${step.name}.scaled`, [
        step.input,
        g.scalar('const.sqrt_half', Math.SQRT1_2),
      ]);
      const erf = g.node('Erf', `${step.name}.erf`, [scaled]);
      const plusOne = g.node('Add', `${step.name}.plus_one`, [erf, g.scalar('const.one', 1)]);
      g.node('Mul', step.name, [half, plusOne], [], output);
      return;
    }
    case 'max-pool':
      g.node(
        'MaxPool',
        step.name,
        [step.input],
        [ints('kernel_shape', [step.size, step.size]), ints('strides', [step.size, step.size])],
        output,
      );
      return;
    case 'global-max-pool': {
      const pooled = g.node('GlobalMaxPool', `${step.name}.map`, [step.input]);
      g.node('Flatten', step.name, [pooled], [{ name: 'axis', type: 'INT', i: 1 }], output);
      return;
    }
    case 'flatten':
      // NCHW flattens in PyTorch's (C, H, W) order, which the next layer's weight expects.
      g.node('Flatten', step.name, [step.input], [{ name: 'axis', type: 'INT', i: 1 }], output);
      return;
    case 'linear':
      g.node(
        'Gemm',
        step.name,
        [step.input, g.weight(step.weight), ...(step.bias ? [g.weight(step.bias)] : [])],
        [{ name: 'transB', type: 'INT', i: 1 }],
        output,
      );
      return;
    case 'add':
      g.node('Add', step.name, [...step.inputs], [], output);
      return;
    case 'scale':
      g.node(
        'Mul',
        step.name,
        [step.input, g.scalar(`${step.name}.factor`, step.factor)],
        [],
        output,
      );
      return;
  }
}
