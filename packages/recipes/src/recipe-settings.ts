import type {
  LearningRateSchedule,
  LookaheadSettings,
  TestTimeAugmentation,
} from '@cnnkit/contracts';
import { MODEL_NAMES, type ModelName } from '@cnnkit/models';
import { checkLearningRateSchedule } from '@cnnkit/trainer';

/** The names of the built-in recipes. */
export type RecipeName = 'tutorial' | 'fast';

/**
 * Every hyper-parameter of a training run, as plain JSON: what `--json` prints and a run
 * directory stores. A recipe is a complete set of these; flags override single fields.
 */
export interface RecipeSettings {
  readonly recipe: RecipeName;
  /** A `@cnnkit/models` registry name. */
  readonly model: ModelName;
  /** AirbenchNet's conv group widths, or null for the model's default. */
  readonly widths: readonly number[] | null;
  readonly epochs: number;
  readonly batchSize: number;
  /**
   * How `lr` and `weightDecay` are given. `'torch'`: as `torch.optim.SGD` takes them.
   * `'airbench'`: airbench's decoupled form, per 1,024 examples — the step is
   * `lr / (1024·(1 + 1/(1 − momentum)))` and the decay per step `weightDecay·batch/1024·…`,
   * independent of momentum and learning rate (see `sgdConfigFor`).
   */
  readonly sgdForm: 'torch' | 'airbench';
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  /** BatchNorm biases train at `lr × biasLrScale` (airbench: 64), with the same decay per step. */
  readonly biasLrScale: number;
  readonly labelSmoothing: number;
  readonly lossReduction: 'mean' | 'sum';
  readonly lrSchedule: LearningRateSchedule;
  /** Lookahead weight averaging, or null for none. */
  readonly lookahead: LookaheadSettings | null;
  /** Training images (the first n, normalised) that set airbench's whitening layer; 0: keep its init. */
  readonly whiteningImages: number;
  readonly whiteningEps: number;
  /** Epochs during which the whitening layer's bias trains (then frozen); null: always. */
  readonly whiteningBiasEpochs: number | null;
  /** Whether to augment the training images (with `augmentation`). */
  readonly augment: boolean;
  /**
   * `'crop-flip'`: torchvision's RandomCrop(32, padding 4) + RandomHorizontalFlip (the CLI's
   * `--augment` of the tutorial); `'flip-translate'`: airbench's alternating flip and
   * reflect-padded translation by up to `translate` pixels.
   */
  readonly augmentation: 'crop-flip' | 'flip-translate';
  readonly translate: number;
  /** `'tutorial'`: Normalize(0.5, 0.5); `'cifar10'`: CIFAR-10's channel mean and std. */
  readonly normalization: 'tutorial' | 'cifar10';
  /** Test-time augmentation of the final evaluation. */
  readonly tta: TestTimeAugmentation;
  /** Drop each epoch's last, smaller batch (airbench does). */
  readonly dropLast: boolean;
}

/**
 * The built-in recipes. `tutorial`: the PyTorch CIFAR-10 tutorial (SimpleCNN, batch 4, SGD lr
 * 0.001 momentum 0.9, 2 epochs). `fast`: airbench93 (Keller Jordan's cifar10-airbench) on
 * AirbenchNet — 11 epochs of batch 1,024, label smoothing 0.2 on a summed loss, Nesterov SGD
 * (momentum 0.85, lr 11.5 and weight decay 0.0153 per 1,024 examples, BatchNorm biases × 64),
 * lr factor 0.2 → 1 over 23 % of the steps then → 0.07, lookahead every 5 steps, whitening
 * from 5,000 images with its bias trained 3 epochs, alternating flip + 2-pixel translation,
 * mirror + translate test-time augmentation: 93 % published.
 *
 * @example
 * ```ts
 * RECIPES.fast.batchSize; // 1024
 * RECIPES.tutorial.lr; // 0.001
 * ```
 */
export const RECIPES: { readonly [name in RecipeName]: RecipeSettings } = {
  tutorial: {
    recipe: 'tutorial',
    model: 'simple-cnn',
    widths: null,
    epochs: 2,
    batchSize: 4,
    sgdForm: 'torch',
    lr: 0.001,
    momentum: 0.9,
    nesterov: false,
    weightDecay: 0,
    biasLrScale: 1,
    labelSmoothing: 0,
    lossReduction: 'mean',
    lrSchedule: { type: 'constant' },
    lookahead: null,
    whiteningImages: 0,
    whiteningEps: 5e-4,
    whiteningBiasEpochs: null,
    augment: false,
    augmentation: 'crop-flip',
    translate: 2,
    normalization: 'tutorial',
    tta: 'none',
    dropLast: false,
  },
  fast: {
    recipe: 'fast',
    model: 'airbench',
    widths: [64, 128, 128],
    epochs: 11,
    batchSize: 1024,
    sgdForm: 'airbench',
    lr: 11.5,
    momentum: 0.85,
    nesterov: true,
    weightDecay: 0.0153,
    biasLrScale: 64,
    labelSmoothing: 0.2,
    lossReduction: 'sum',
    lrSchedule: {
      type: 'piecewise-linear',
      points: [
        [0, 0.2],
        [0.23, 1],
        [1, 0.07],
      ],
    },
    lookahead: { every: 5, decay: 0.95 ** 5, power: 3 },
    whiteningImages: 5000,
    whiteningEps: 5e-4,
    whiteningBiasEpochs: 3,
    augment: true,
    augmentation: 'flip-translate',
    translate: 2,
    normalization: 'cifar10',
    tta: 'mirror-translate',
    dropLast: true,
  },
};

/** Every recipe name, for a `--recipe` option's choices. */
export const RECIPE_NAMES = Object.keys(RECIPES) as readonly RecipeName[];

function fail(field: string, value: unknown, want: string): never {
  throw new RangeError(`recipe setting ${field} must be ${want}, got ${JSON.stringify(value)}.`);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown, min: number): v is number =>
  Number.isInteger(v) && (v as number) >= min;

/**
 * Throws, naming the field and quoting the value, unless `settings` are usable.
 *
 * @example
 * ```ts
 * checkRecipeSettings({ ...RECIPES.fast, momentum: 1 }); // throws
 * ```
 */
export function checkRecipeSettings(settings: RecipeSettings): void {
  const s = settings;
  if (!RECIPE_NAMES.includes(s.recipe))
    fail('recipe', s.recipe, `one of ${RECIPE_NAMES.join(', ')}`);
  if (!MODEL_NAMES.includes(s.model)) fail('model', s.model, `one of ${MODEL_NAMES.join(', ')}`);
  if (s.widths !== null) {
    if (s.model !== 'airbench') fail('widths', s.widths, 'null except for the airbench model');
    if (!Array.isArray(s.widths) || s.widths.length < 1 || !s.widths.every((w) => isCount(w, 1))) {
      fail('widths', s.widths, 'a list of whole numbers >= 1, e.g. [64, 128, 128]');
    }
  }
  if (!isCount(s.epochs, 1)) fail('epochs', s.epochs, 'a whole number >= 1');
  if (!isCount(s.batchSize, 1)) fail('batchSize', s.batchSize, 'a whole number >= 1');
  if (s.sgdForm !== 'torch' && s.sgdForm !== 'airbench')
    fail('sgdForm', s.sgdForm, '"torch" or "airbench"');
  if (!isNumber(s.lr) || s.lr <= 0) fail('lr', s.lr, 'a number > 0');
  const maxMomentum = s.sgdForm === 'airbench' ? 'below 1 (airbench divides by 1 − momentum)' : '';
  if (
    !isNumber(s.momentum) ||
    s.momentum < 0 ||
    s.momentum > 1 ||
    (maxMomentum && s.momentum >= 1)
  ) {
    fail('momentum', s.momentum, `a number from 0 to 1${maxMomentum ? `, ${maxMomentum}` : ''}`);
  }
  if (typeof s.nesterov !== 'boolean') fail('nesterov', s.nesterov, 'true or false');
  if (s.nesterov && s.momentum === 0) fail('nesterov', s.nesterov, 'false when momentum is 0');
  if (!isNumber(s.weightDecay) || s.weightDecay < 0)
    fail('weightDecay', s.weightDecay, 'a number >= 0');
  if (!isNumber(s.biasLrScale) || s.biasLrScale <= 0)
    fail('biasLrScale', s.biasLrScale, 'a number > 0');
  if (!isNumber(s.labelSmoothing) || s.labelSmoothing < 0 || s.labelSmoothing > 1) {
    fail('labelSmoothing', s.labelSmoothing, 'a number from 0 to 1');
  }
  if (s.lossReduction !== 'mean' && s.lossReduction !== 'sum') {
    fail('lossReduction', s.lossReduction, '"mean" or "sum"');
  }
  checkLearningRateSchedule(s.lrSchedule, 'recipe setting lrSchedule');
  if (s.lookahead !== null) {
    const { every, decay, power } = s.lookahead ?? {};
    if (
      !isCount(every, 1) ||
      !isNumber(decay) ||
      decay < 0 ||
      decay > 1 ||
      !isNumber(power) ||
      power < 0
    ) {
      fail('lookahead', s.lookahead, 'null or { every ≥ 1, decay in [0, 1], power ≥ 0 }');
    }
  }
  if (!isCount(s.whiteningImages, 0))
    fail('whiteningImages', s.whiteningImages, 'a whole number >= 0');
  if (!isNumber(s.whiteningEps) || s.whiteningEps <= 0)
    fail('whiteningEps', s.whiteningEps, 'a number > 0');
  if (s.whiteningBiasEpochs !== null && !isCount(s.whiteningBiasEpochs, 0)) {
    fail('whiteningBiasEpochs', s.whiteningBiasEpochs, 'null or a whole number >= 0');
  }
  if (typeof s.augment !== 'boolean') fail('augment', s.augment, 'true or false');
  if (s.augmentation !== 'crop-flip' && s.augmentation !== 'flip-translate') {
    fail('augmentation', s.augmentation, '"crop-flip" or "flip-translate"');
  }
  if (!isCount(s.translate, 0)) fail('translate', s.translate, 'a whole number of pixels >= 0');
  if (s.normalization !== 'tutorial' && s.normalization !== 'cifar10') {
    fail('normalization', s.normalization, '"tutorial" or "cifar10"');
  }
  if (!['none', 'mirror', 'mirror-translate'].includes(s.tta)) {
    fail('tta', s.tta, '"none", "mirror" or "mirror-translate"');
  }
  if (typeof s.dropLast !== 'boolean') fail('dropLast', s.dropLast, 'true or false');
}

/**
 * The largest batch size that trains on `trainImages` images with `settings`: `trainImages`
 * when the recipe drops an incomplete last batch (a larger batch would leave every epoch
 * without a batch), else `Infinity` (the last, smaller batch trains). `recipeLoaders` refuses a
 * larger one; apps call this to refuse it first, in their own words.
 *
 * @example
 * ```ts
 * largestBatchSize(RECIPES.fast, 2000); // 2000
 * largestBatchSize(RECIPES.tutorial, 2000); // Infinity
 * ```
 */
export function largestBatchSize(
  settings: Pick<RecipeSettings, 'dropLast'>,
  trainImages: number,
): number {
  return settings.dropLast ? trainImages : Number.POSITIVE_INFINITY;
}

/**
 * A recipe's settings with some fields replaced, checked.
 *
 * @example
 * ```ts
 * const settings = recipeSettings('fast', { epochs: 2, batchSize: 512 });
 * settings.lr; // 11.5
 * settings.epochs; // 2
 * recipeSettings('fast', { labelSmoothing: 2 }); // throws
 * ```
 */
export function recipeSettings(
  name: RecipeName,
  overrides: Partial<Omit<RecipeSettings, 'recipe'>> = {},
): RecipeSettings {
  const base = RECIPES[name];
  if (!base) {
    throw new RangeError(
      `Unknown recipe ${JSON.stringify(name)}; choose one of ${RECIPE_NAMES.join(', ')}.`,
    );
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  // A model other than the recipe's own keeps its default widths unless given.
  const widths =
    overrides.model !== undefined &&
    overrides.model !== base.model &&
    overrides.widths === undefined
      ? { widths: null }
      : {};
  const settings = structuredClone({
    ...base,
    ...widths,
    ...defined,
    recipe: name,
  }) as RecipeSettings;
  checkRecipeSettings(settings);
  return settings;
}
