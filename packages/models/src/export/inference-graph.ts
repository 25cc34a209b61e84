import type { ModelName } from '../model-registry.js';
import type { ParameterLayout } from '../types.js';

/**
 * A tensor the exported graph reads: a state_dict entry's values in tfjs's layout, with the
 * layout that converts them to PyTorch's (conv OIHW, linear `[out, in]`), which ONNX uses.
 */
export interface GraphWeight {
  /** The PyTorch state_dict key, kept as the tensor's name in every format. */
  readonly name: string;
  readonly layout: ParameterLayout;
  /** Values in tfjs's layout (conv HWIO, linear `[in, out]`). */
  readonly values: Float32Array;
}

/**
 * One step of a model's evaluation-mode forward pass. `name` names its output; `input` names
 * an earlier step's output or {@link GRAPH_INPUT}. Feature maps are images' channels × height ×
 * width, whatever order a format stores them in.
 */
export type GraphStep =
  | {
      readonly kind: 'conv2d';
      readonly name: string;
      readonly input: string;
      readonly weight: GraphWeight;
      readonly bias?: GraphWeight;
      readonly kernelSize: number;
      /** `'same'` pads (k − 1)/2 on every side (odd k only); stride is always 1. */
      readonly padding: 'same' | 'valid';
    }
  | {
      /** BatchNorm with its running statistics (PyTorch's eval mode). */
      readonly kind: 'batch-norm';
      readonly name: string;
      readonly input: string;
      readonly scale: GraphWeight;
      readonly offset: GraphWeight;
      readonly mean: GraphWeight;
      readonly variance: GraphWeight;
      readonly eps: number;
    }
  | { readonly kind: 'relu' | 'gelu'; readonly name: string; readonly input: string }
  | {
      /** Windows of `size` × `size`, stride `size`, leftover rows and columns dropped. */
      readonly kind: 'max-pool';
      readonly name: string;
      readonly input: string;
      readonly size: number;
    }
  | {
      /** The largest value of each channel: maps → `[batch, channels]`. */
      readonly kind: 'global-max-pool';
      readonly name: string;
      readonly input: string;
    }
  | {
      /**
       * Maps → `[batch, channels·height·width]` in the format's own order; the linear layer
       * that reads it has a layout for each order (PyTorch's (C, H, W), tfjs's (H, W, C)).
       */
      readonly kind: 'flatten';
      readonly name: string;
      readonly input: string;
      readonly features: number;
    }
  | {
      readonly kind: 'linear';
      readonly name: string;
      readonly input: string;
      readonly weight: GraphWeight;
      readonly bias?: GraphWeight;
    }
  | { readonly kind: 'add'; readonly name: string; readonly inputs: readonly [string, string] }
  | {
      readonly kind: 'scale';
      readonly name: string;
      readonly input: string;
      readonly factor: number;
    };

/** The name of the images a graph reads. */
export const GRAPH_INPUT = 'images';

/**
 * A cnnkit model's evaluation-mode forward pass as a list of steps in execution order, with
 * the weights it reads: what every export format writes out.
 */
export interface InferenceGraph {
  /** The class (`SimpleCNN`, `AirbenchNet`, `ResNet9`), for messages. */
  readonly className: string;
  /** The registry name `createModel` takes (`simple-cnn`, `airbench`, `resnet9`). */
  readonly modelName: ModelName;
  /** The `createModel` options the model was built with (without `seed`). */
  readonly modelOptions: Readonly<Record<string, unknown>>;
  readonly inputChannels: number;
  /** The one input size the graph takes (SimpleCNN's 32×32), or undefined: any from the minimum. */
  readonly fixedInputSize?: { readonly height: number; readonly width: number };
  /** The smallest height and width the graph takes. */
  readonly minimumInputSide: number;
  readonly numClasses: number;
  readonly steps: readonly GraphStep[];
  /** BatchNorm's `num_batches_tracked` by state_dict key: not used by the forward pass, kept for a round trip. */
  readonly batchCounts: Readonly<Record<string, number>>;
}
