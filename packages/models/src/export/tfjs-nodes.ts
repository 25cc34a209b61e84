import type { GraphStep, GraphWeight } from './inference-graph.js';

/** A TensorFlow `NodeDef` in the JSON form of a TF.js graph model's `modelTopology`. */
export interface TfNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr: Readonly<Record<string, unknown>>;
}

/** One entry of `weightsManifest[].weights`. */
export interface TfWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
}

const T = { T: { type: 'DT_FLOAT' } } as const;
// TensorFlow's JSON form stores string attributes as base64 bytes.
const text = (value: string) => ({ s: btoa(value) });
const intList = (values: readonly number[]) => ({ list: { i: values.map(String) } });
const NHWC = text('NHWC');

/** Collects nodes and the weights they read (constants included: TF.js loads every Const from the manifest). */
export class TfGraphBuilder {
  readonly nodes: TfNode[] = [];
  readonly specs: TfWeightSpec[] = [];
  readonly data: (Float32Array | Int32Array)[] = [];
  private readonly names = new Set<string>();

  node(
    op: string,
    name: string,
    input: readonly string[],
    attr: Record<string, unknown> = {},
  ): string {
    this.nodes.push({ name, op, input, attr: { ...T, ...attr } });
    return name;
  }

  private constant(
    name: string,
    shape: readonly number[],
    values: Float32Array | Int32Array,
  ): string {
    if (this.names.has(name)) return name;
    this.names.add(name);
    const dtype = values instanceof Int32Array ? 'DT_INT32' : 'DT_FLOAT';
    this.nodes.push({
      name,
      op: 'Const',
      attr: {
        value: {
          tensor: { dtype, tensorShape: { dim: shape.map((size) => ({ size: String(size) })) } },
        },
        dtype: { type: dtype },
      },
    });
    this.specs.push({ name, shape, dtype: values instanceof Int32Array ? 'int32' : 'float32' });
    this.data.push(values);
    return name;
  }

  /** A weight in tfjs's layout (conv HWIO, linear `[in, out]`), named by its state_dict key. */
  weight(weight: GraphWeight): string {
    return this.constant(weight.name, weight.layout.tfjsShape, weight.values);
  }

  scalar(name: string, value: number): string {
    return this.constant(name, [], Float32Array.of(value));
  }

  ints(name: string, values: readonly number[]): string {
    return this.constant(name, [values.length], Int32Array.from(values));
  }

  /** `x + bias`, as tf.add: cnnkit adds biases the same way. */
  private withBias(name: string, x: string, bias: GraphWeight | undefined): string {
    return bias ? this.node('AddV2', name, [x, this.weight(bias)]) : x;
  }

  /**
   * Appends the nodes of one step, in NHWC, each op the one cnnkit's forward pass calls
   * (Conv2D, FusedBatchNorm → tf.batchNorm, Erf, MaxPool, Max, MatMul), so TF.js computes the
   * same numbers; returns the name of its output.
   */
  step(step: GraphStep): string {
    switch (step.kind) {
      case 'conv2d': {
        const conv = this.node(
          'Conv2D',
          step.bias ? `${step.name}.conv` : step.name,
          [step.input, this.weight(step.weight)],
          {
            strides: intList([1, 1, 1, 1]),
            dilations: intList([1, 1, 1, 1]),
            padding: text(step.padding.toUpperCase()),
            data_format: NHWC,
          },
        );
        return this.withBias(step.name, conv, step.bias);
      }
      case 'batch-norm':
        return this.node(
          'FusedBatchNormV3',
          step.name,
          [
            step.input,
            this.weight(step.scale),
            this.weight(step.offset),
            this.weight(step.mean),
            this.weight(step.variance),
          ],
          {
            U: { type: 'DT_FLOAT' },
            epsilon: { f: step.eps },
            data_format: NHWC,
            is_training: { b: false },
          },
        );
      case 'relu':
        return this.node('Relu', step.name, [step.input]);
      case 'gelu': {
        const half = this.node('Mul', `${step.name}.half`, [
          step.input,
          this.scalar('const.half', 0.5),
        ]);
        const scaled = this.node('Mul', `${step.name}.scaled`, [
          step.input,
          this.scalar('const.sqrt_half', Math.SQRT1_2),
        ]);
        const erf = this.node('Erf', `${step.name}.erf`, [scaled]);
        const plusOne = this.node('AddV2', `${step.name}.plus_one`, [
          this.scalar('const.one', 1),
          erf,
        ]);
        return this.node('Mul', step.name, [half, plusOne]);
      }
      case 'max-pool':
        return this.node('MaxPool', step.name, [step.input], {
          ksize: intList([1, step.size, step.size, 1]),
          strides: intList([1, step.size, step.size, 1]),
          padding: text('VALID'),
          data_format: NHWC,
        });
      case 'global-max-pool':
        return this.node('Max', step.name, [step.input, this.ints(`${step.name}.axes`, [1, 2])], {
          Tidx: { type: 'DT_INT32' },
          keep_dims: { b: false },
        });
      case 'flatten':
        // NHWC flattens in (H, W, C) order, which the next layer's tfjs-layout weight expects.
        return this.node(
          'Reshape',
          step.name,
          [step.input, this.ints(`${step.name}.shape`, [-1, step.features])],
          {
            Tshape: { type: 'DT_INT32' },
          },
        );
      case 'linear': {
        const product = this.node(
          'MatMul',
          step.bias ? `${step.name}.matmul` : step.name,
          [step.input, this.weight(step.weight)],
          { transpose_a: { b: false }, transpose_b: { b: false } },
        );
        return this.withBias(step.name, product, step.bias);
      }
      case 'add':
        return this.node('AddV2', step.name, [...step.inputs]);
      case 'scale':
        return this.node('Mul', step.name, [
          step.input,
          this.scalar(`${step.name}.factor`, step.factor),
        ]);
    }
  }
}
