import type { JsonValue, ResizePolicy, TrainableClassifier } from '@cnnkit/contracts';
import { decodeSafetensors, withSafetensorsMetadata } from '@cnnkit/safetensors';

/**
 * What a weights file says about the model it holds and the images it expects, so that
 * `eval`, `predict` and the web page can use it without being told: written into the
 * safetensors `__metadata__` by {@link weightsInfoMetadata}, read back by
 * {@link readWeightsInfo}.
 */
export interface WeightsInfo {
  /** The registry name `createModel` takes: `simple-cnn`, `airbench`, `resnet9`. */
  readonly model: string;
  /** The `createModel` options it was built with, except `seed` (`numClasses`, `imageSize`, …). */
  readonly modelOptions: { readonly [key: string]: JsonValue };
  /** One name per output, in output order (class index `i` is `classNames[i]`). */
  readonly classNames: readonly string[];
  /** Input images as `[height, width, channels]`. */
  readonly inputShape: readonly [number, number, number];
  /** Per channel, applied to pixels scaled to [0, 1]: `(x - mean) / std` (torchvision's Normalize). */
  readonly normalize: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** How images of another size were (and should be) resized to `inputShape`. */
  readonly resize: ResizePolicy;
  /** The cnnkit version that wrote the file. */
  readonly cnnkitVersion?: string;
}

/** The `__metadata__` keys cnnkit writes, besides `format` and the model's own `cnnkit.model`. */
export const WEIGHTS_INFO_KEYS = {
  model: 'cnnkit.model_name',
  modelOptions: 'cnnkit.model_options',
  classNames: 'cnnkit.classes',
  inputShape: 'cnnkit.input_shape',
  normalize: 'cnnkit.normalize',
  resize: 'cnnkit.resize',
  cnnkitVersion: 'cnnkit.version',
} as const;

/** Class names of the models' own classes, as older files name the model. */
const MODEL_CLASS_NAMES: Readonly<Record<string, string>> = {
  SimpleCNN: 'simple-cnn',
  AirbenchNet: 'airbench',
  ResNet9: 'resnet9',
};

/**
 * The `__metadata__` entries (strings; JSON where the value is structured) that describe
 * `info`, for `withSafetensorsMetadata` or `encodeSafetensors`.
 *
 * @example
 * ```ts
 * const metadata = weightsInfoMetadata({
 *   model: 'simple-cnn',
 *   modelOptions: { numClasses: 2, imageSize: 32 },
 *   classNames: ['cat', 'dog'],
 *   inputShape: [32, 32, 3],
 *   normalize: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
 *   resize: 'shorter-side',
 * });
 * metadata['cnnkit.classes']; // '["cat","dog"]'
 * metadata['cnnkit.input_shape']; // '[32,32,3]'
 * ```
 */
export function weightsInfoMetadata(info: WeightsInfo): Record<string, string> {
  checkInfo(info, 'weightsInfoMetadata');
  return {
    [WEIGHTS_INFO_KEYS.model]: info.model,
    [WEIGHTS_INFO_KEYS.modelOptions]: JSON.stringify(info.modelOptions),
    [WEIGHTS_INFO_KEYS.classNames]: JSON.stringify(info.classNames),
    [WEIGHTS_INFO_KEYS.inputShape]: JSON.stringify(info.inputShape),
    [WEIGHTS_INFO_KEYS.normalize]: JSON.stringify(info.normalize),
    [WEIGHTS_INFO_KEYS.resize]: info.resize,
    ...(info.cnnkitVersion === undefined
      ? {}
      : { [WEIGHTS_INFO_KEYS.cnnkitVersion]: info.cnnkitVersion }),
  };
}

/**
 * What a weights file's `__metadata__` says, key by key: a field is absent when the file does
 * not say it (files PyTorch or older cnnkit versions wrote carry none of it; the caller picks
 * defaults, such as CIFAR-10's). `model` also comes from the older `cnnkit.model` key
 * (`SimpleCNN` → `simple-cnn`). A key that is present but malformed is an error naming it.
 *
 * @param source - Quoted in errors (the file name).
 *
 * @example
 * ```ts
 * readWeightsInfo({ format: 'pt', 'cnnkit.model': 'SimpleCNN' }).model; // 'simple-cnn'
 * readWeightsInfo({ format: 'pt' }).classNames === undefined; // true
 * readWeightsInfo({ 'cnnkit.classes': '["cat","dog"]' }).classNames?.join(' '); // 'cat dog'
 * readWeightsInfo({ 'cnnkit.classes': 'cat,dog' }, 'w.safetensors'); // throws
 * ```
 */
export function readWeightsInfo(
  metadata: Readonly<Record<string, string>>,
  source = 'weights',
): Partial<WeightsInfo> {
  const read = <T>(
    key: string,
    expected: string,
    parse: (text: string) => T | undefined,
  ): T | undefined => {
    const text = metadata[key];
    if (text === undefined) return undefined;
    let value: T | undefined;
    try {
      value = parse(text);
    } catch {
      value = undefined;
    }
    if (value === undefined) {
      throw new Error(
        `${source}: __metadata__ "${key}" is ${JSON.stringify(text.slice(0, 80))}, not ${expected}; the file was not written by cnnkit or was edited. Remove the key to use the defaults.`,
      );
    }
    return value;
  };
  const legacyModel = metadata['cnnkit.model'];
  const model =
    read(WEIGHTS_INFO_KEYS.model, 'a model name', (t) =>
      /^[a-z0-9-]+$/.test(t) ? t : undefined,
    ) ?? (legacyModel === undefined ? undefined : MODEL_CLASS_NAMES[legacyModel]);
  const info: Partial<Record<keyof WeightsInfo, unknown>> = {
    model,
    modelOptions: read(WEIGHTS_INFO_KEYS.modelOptions, 'a JSON object', (t) => {
      const value = JSON.parse(t) as unknown;
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as WeightsInfo['modelOptions'])
        : undefined;
    }),
    classNames: read(WEIGHTS_INFO_KEYS.classNames, 'a JSON list of distinct class names', (t) =>
      classNamesOrUndefined(JSON.parse(t)),
    ),
    inputShape: read(WEIGHTS_INFO_KEYS.inputShape, 'a JSON [height, width, channels]', (t) => {
      const value = JSON.parse(t) as unknown;
      return Array.isArray(value) &&
        value.length === 3 &&
        value.every((d) => Number.isInteger(d) && d > 0)
        ? (value as unknown as WeightsInfo['inputShape'])
        : undefined;
    }),
    normalize: read(WEIGHTS_INFO_KEYS.normalize, 'a JSON {"mean": [...], "std": [...]}', (t) => {
      const value = JSON.parse(t) as { mean?: unknown; std?: unknown };
      const numbers = (x: unknown) =>
        Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === 'number');
      return numbers(value.mean) &&
        numbers(value.std) &&
        (value.mean as number[]).length === (value.std as number[]).length &&
        (value.std as number[]).every((s) => s > 0)
        ? (value as WeightsInfo['normalize'])
        : undefined;
    }),
    resize: read(WEIGHTS_INFO_KEYS.resize, '"shorter-side" or "squash"', (t) =>
      t === 'shorter-side' || t === 'squash' ? t : undefined,
    ),
    cnnkitVersion: metadata[WEIGHTS_INFO_KEYS.cnnkitVersion],
  };
  return Object.fromEntries(
    Object.entries(info).filter(([, value]) => value !== undefined),
  ) as Partial<WeightsInfo>;
}

/**
 * `model`, whose `saveWeights()` adds `info` to the file's `__metadata__` (keeping the
 * model's own entries): checkpoints and final weights then say what they are. Everything else
 * is `model`'s own.
 *
 * @example
 * ```ts
 * import { decodeSafetensors } from '@cnnkit/safetensors';
 * const labelled = withWeightsInfo(SimpleCNN.create({ seed: 0, numClasses: 2 }), {
 *   model: 'simple-cnn',
 *   modelOptions: { numClasses: 2 },
 *   classNames: ['cat', 'dog'],
 *   inputShape: [32, 32, 3],
 *   normalize: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
 *   resize: 'shorter-side',
 * });
 * const { metadata } = decodeSafetensors(labelled.saveWeights());
 * readWeightsInfo(metadata).classNames?.join(' '); // 'cat dog'
 * metadata['cnnkit.model']; // 'SimpleCNN'
 * labelled.dispose();
 * ```
 */
export function withWeightsInfo<Model extends TrainableClassifier>(
  model: Model,
  info: WeightsInfo,
): Model {
  checkInfo(info, 'withWeightsInfo');
  if (info.classNames.length !== model.numClasses) {
    throw new RangeError(
      `withWeightsInfo: ${info.classNames.length} class names for a model with ${model.numClasses} outputs; give one name per class.`,
    );
  }
  const extra = weightsInfoMetadata(info);
  return new Proxy(model, {
    get(target, property, receiver) {
      if (property === 'saveWeights') {
        return () => {
          const bytes = target.saveWeights();
          const own = decodeSafetensors(bytes).metadata;
          return withSafetensorsMetadata(bytes, { ...own, ...extra });
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function classNamesOrUndefined(value: unknown): readonly string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  if (!value.every((name) => typeof name === 'string' && name.length > 0)) return undefined;
  return new Set(value).size === value.length ? (value as string[]) : undefined;
}

function checkInfo(info: WeightsInfo, where: string): void {
  if (classNamesOrUndefined(info.classNames) === undefined) {
    throw new RangeError(
      `${where}: classNames must be distinct non-empty strings, got ${JSON.stringify(info.classNames)}.`,
    );
  }
  const channels = info.inputShape[2];
  if (info.normalize.mean.length !== channels || info.normalize.std.length !== channels) {
    throw new RangeError(
      `${where}: normalize needs one mean and one std per channel (${channels}), got ${JSON.stringify(info.normalize)}.`,
    );
  }
}
