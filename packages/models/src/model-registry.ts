import type { TrainableClassifier } from '@cnnkit/contracts';
import { AirbenchNet, type AirbenchNetOptions, airbenchNetSize } from './airbench-net.js';
import { ResNet9, type ResNet9Options, resNet9Size } from './resnet9.js';
import { SimpleCNN, type SimpleCnnOptions, simpleCnnLayouts } from './simple-cnn.js';

/** Options every registered model accepts; each model documents further ones. */
export interface CreateModelOptions {
  /** Seeds the initial weights; the same seed always gives the same model. */
  readonly seed: number;
  /** Output classes; default 10 (CIFAR-10). */
  readonly numClasses?: number;
}

/** The options `createModel` passes on for each name. */
export interface ModelOptionsByName {
  'simple-cnn': SimpleCnnOptions;
  airbench: AirbenchNetOptions;
  resnet9: ResNet9Options;
}

/** What a model is and costs, for `--model` help texts and the web's model picker. */
export interface ModelDescription {
  readonly name: ModelName;
  /** The class `createModel` returns. */
  readonly className: string;
  /** One line: the architecture. */
  readonly summary: string;
  /** Float scalars of all parameters, trained or frozen (PyTorch's `parameters()`). */
  readonly parameters: number;
  /** Of those, the ones gradient steps change. */
  readonly trainableParameters: number;
  /** Multiply-adds of convolutions and linear layers per 32×32 image, forward pass. */
  readonly forwardMacs: number;
  /**
   * The classifier layer's tensors (`state_dict` names): their shape follows the class count,
   * so fine-tuning on other classes re-initialises them, and freezing the features trains
   * only them. Everything else is the feature extractor.
   */
  readonly head: readonly string[];
  /** Test accuracy on CIFAR-10 with its recipe, and where the number comes from. */
  readonly expectedAccuracy: {
    /** Fraction in [0, 1]. */
    readonly cifar10: number;
    readonly recipe: string;
    /** `measured`: a cnnkit run in this repository (BENCHMARKS.md); `published`: the authors'. */
    readonly source: 'measured' | 'published';
  };
}

interface RegistryEntry<Name extends keyof ModelOptionsByName> {
  readonly create: (options: ModelOptionsByName[Name]) => TrainableClassifier;
  readonly describe: (options: ModelOptionsByName[Name]) => Omit<ModelDescription, 'name'>;
}

/** Parameters and multiply-adds of SimpleCNN for its class count and input size. */
function simpleCnnSize(options: SimpleCnnOptions): { parameters: number; forwardMacs: number } {
  const layouts = simpleCnnLayouts(options);
  const size = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);
  const parameters = layouts.reduce((n, l) => n + size(l.torchShape), 0);
  const s = options.imageSize ?? 32;
  const conv1 = (s - 4) ** 2 * 6 * 75;
  const pooled = Math.floor((s - 4) / 2);
  const conv2 = (pooled - 4) ** 2 * 16 * 150;
  const linear = layouts
    .filter((l) => l.name.startsWith('fc') && l.name.endsWith('.weight'))
    .reduce((n, l) => n + size(l.torchShape), 0);
  return { parameters, forwardMacs: conv1 + conv2 + linear };
}

const REGISTRY: { readonly [Name in keyof ModelOptionsByName]: RegistryEntry<Name> } = {
  'simple-cnn': {
    create: (options) => SimpleCNN.create(options),
    describe: (options) => {
      // 62,006 parameters and 651,720 MACs for CIFAR-10: conv1 28·28·6·75 + conv2 10·10·16·150
      // + 400·120 + 120·84 + 84·10.
      const { parameters, forwardMacs } = simpleCnnSize(options);
      return {
        className: 'SimpleCNN',
        summary: `PyTorch's CIFAR-10 tutorial net: conv 5×5 6 → pool → conv 5×5 16 → pool → fc 120 → fc 84 → fc ${options.numClasses ?? 10}`,
        parameters,
        trainableParameters: parameters,
        forwardMacs,
        head: ['fc3.weight', 'fc3.bias'],
        expectedAccuracy: {
          cifar10: 0.54,
          recipe:
            'tutorial: 2 epochs, batch 4, SGD lr 0.001 momentum 0.9 (54.0–54.3 % in BENCHMARKS.md)',
          source: 'measured',
        },
      };
    },
  },
  airbench: {
    create: (options) => AirbenchNet.create(options),
    describe: (options) => {
      const size = airbenchNetSize(options);
      return {
        className: 'AirbenchNet',
        head: ['head.weight'],
        summary:
          'airbench93: whitening conv 2×2 → 3 × [conv 3×3, pool, BatchNorm, GELU, conv 3×3, BatchNorm, GELU] (64/128/128) → max-pool → linear',
        ...size,
        expectedAccuracy: {
          cifar10: 0.93,
          recipe:
            'airbench93: 11 epochs, batch 1024, label smoothing 0.2, Nesterov SGD, lookahead, flip + translate, TTA',
          source: 'published',
        },
      };
    },
  },
  resnet9: {
    create: (options) => ResNet9.create(options),
    describe: (options) => {
      const size = resNet9Size(options);
      return {
        className: 'ResNet9',
        head: ['linear.weight'],
        summary:
          "Page's DAWNBench ResNet-9: prep 64 → layer1 128 + residual → layer2 256 → layer3 512 + residual → max-pool → linear, BatchNorm + ReLU",
        ...size,
        expectedAccuracy: {
          cifar10: 0.94,
          recipe:
            'DAWNBench (Page 2018): 24 epochs, batch 512, one-cycle Nesterov SGD, flip + crop + cutout',
          source: 'published',
        },
      };
    },
  },
};

/** Names accepted by {@link createModel}, e.g. for a CLI's `--model` choices. */
export type ModelName = keyof ModelOptionsByName;

/** Every registered model name, in a stable order. */
export const MODEL_NAMES = Object.keys(REGISTRY) as readonly ModelName[];

function entryFor(name: string): RegistryEntry<ModelName> {
  const entry = (REGISTRY as Record<string, RegistryEntry<ModelName>>)[name];
  if (!entry) {
    throw new Error(
      `Unknown model ${JSON.stringify(name)}; choose one of: ${MODEL_NAMES.join(', ')}.`,
    );
  }
  return entry;
}

/**
 * Creates a freshly initialised model by name, so apps can offer a `--model` option
 * without knowing each class. Options beyond `seed` and `numClasses` are the model's own
 * (`SimpleCnnOptions`' `imageSize`, `AirbenchNetOptions`, `ResNet9Options`).
 *
 * @example
 * ```ts
 * const model = createModel('simple-cnn', { seed: 0 });
 * model.numClasses; // 10
 * model.dispose();
 * const pets = createModel('simple-cnn', { seed: 0, numClasses: 3, imageSize: 64 });
 * pets.numClasses; // 3
 * pets.dispose();
 * const airbench = createModel('airbench', { seed: 0, numClasses: 5, widths: [32, 64, 64] });
 * airbench.numClasses; // 5
 * airbench.dispose();
 * ```
 */
export function createModel<Name extends ModelName>(
  name: Name,
  options: ModelOptionsByName[Name],
): TrainableClassifier;
export function createModel(name: string, options: CreateModelOptions): TrainableClassifier;
export function createModel(name: string, options: CreateModelOptions): TrainableClassifier {
  return entryFor(name).create(options);
}

/**
 * A model's architecture, size and expected accuracy, computed without building it (no
 * tensors, no backend needed), for the options given (defaults when omitted).
 *
 * @example
 * ```ts
 * const about = describeModel('airbench');
 * about.forwardMacs; // 54223904
 * about.expectedAccuracy.cifar10; // 0.93
 * ```
 */
export function describeModel<Name extends ModelName>(
  name: Name,
  options?: ModelOptionsByName[Name],
): ModelDescription;
export function describeModel(name: string, options?: CreateModelOptions): ModelDescription;
export function describeModel(name: string, options?: CreateModelOptions): ModelDescription {
  const entry = entryFor(name);
  return { name: name as ModelName, ...entry.describe(options ?? { seed: 0 }) };
}
