import type { TrainSettings, TrainStart } from '../protocol.js';

/** The recipes the form offers (`@cnnkit/recipes`' presets). */
export type FormRecipe = TrainSettings['recipe'];

/** What choosing a recipe puts in the form's number fields. */
export interface RecipeFormDefaults {
  readonly lr: number;
  readonly momentum: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** The status line before a run: what Start trains. */
  readonly description: string;
}

/**
 * The form's values for each recipe: `@cnnkit/recipes`' presets (the test checks they agree;
 * the page does not import the recipes, which would pull TensorFlow.js into its first
 * download), except the fast recipe's batch: 512 instead of 1,024 halves the worker's memory
 * (a browser tab's wasm heap is at most 4 GB) at the same images/s.
 */
export const RECIPE_FORM_DEFAULTS: { readonly [recipe in FormRecipe]: RecipeFormDefaults } = {
  tutorial: {
    lr: 0.001,
    momentum: 0.9,
    batchSize: 4,
    epochs: 2,
    description:
      "Start trains a new SimpleCNN (initialised from the seed) with the tutorial's recipe and transform.",
  },
  fast: {
    lr: 11.5,
    momentum: 0.85,
    batchSize: 512,
    epochs: 11,
    description:
      "Start trains AirbenchNet with airbench93's recipe (learning rate per 1,024 images, Nesterov, label smoothing, lookahead, flip + translate, whitening from the data): from the seed, or from the weights trained on CIFAR-10.",
  },
};

const RECIPE_CHOICES: readonly FormRecipe[] = ['tutorial', 'fast'];
const START_CHOICES: readonly TrainStart[] = ['seed', 'airbench-cifar10'];

/** The settings form's values were not valid: `fields` names the bad inputs. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';

  constructor(
    message: string,
    /** The form fields' names (recipe, start, lr, momentum, batchSize, epochs, seed, limit) that are wrong. */
    readonly fields: readonly string[],
  ) {
    super(message);
  }
}

/**
 * Reads and validates the training form's values; `trainImages` is how many training images
 * the loaded data has (the most "Training images" may ask for). Throws one
 * {@link SettingsError} naming every bad field, so the visitor fixes them all at once.
 */
export function parseTrainSettings(
  values: Readonly<Record<string, string>>,
  trainImages: number,
): TrainSettings {
  const problems: string[] = [];
  const fields: string[] = [];
  const number = (name: string, label: string, check: (v: number) => boolean, rule: string) => {
    const text = (values[name] ?? '').trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value) || !check(value)) {
      problems.push(`${label} must be ${rule} (got "${text}")`);
      fields.push(name);
    }
    return value;
  };
  const integer = (min: number, max: number) => (v: number) =>
    Number.isInteger(v) && v >= min && v <= max;
  const choice = <T extends string>(name: string, label: string, choices: readonly T[]): T => {
    const value = (values[name] ?? '') as T;
    if (!choices.includes(value)) {
      problems.push(`${label} must be one of ${choices.join(', ')} (got "${value}")`);
      fields.push(name);
    }
    return value;
  };
  const recipe = choice('recipe', 'recipe', RECIPE_CHOICES);
  let start = choice('start', 'start', START_CHOICES);
  if (start === 'airbench-cifar10' && recipe !== 'fast') {
    problems.push(
      "the weights trained on CIFAR-10 are AirbenchNet's: choose the fast recipe to start from them",
    );
    fields.push('start');
    start = 'seed';
  }
  const settings = {
    recipe,
    start,
    freezeFeatures: start !== 'seed' && values.freezeFeatures === 'on',
    lr: number('lr', 'learning rate', (v) => v > 0, 'a number > 0'),
    momentum: number('momentum', 'momentum', (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
    batchSize: number('batchSize', 'batch size', integer(1, 1024), 'an integer from 1 to 1024'),
    epochs: number('epochs', 'epochs', integer(1, 100), 'an integer from 1 to 100'),
    seed: number('seed', 'seed', integer(0, 2 ** 32 - 1), 'an integer ≥ 0'),
    limit:
      (values.limit ?? '').trim() === ''
        ? null
        : number(
            'limit',
            'training images',
            integer(1, trainImages),
            `empty (all) or an integer from 1 to ${trainImages.toLocaleString('en-US')}, the images loaded`,
          ),
  };
  const images = settings.limit ?? trainImages;
  if (recipe === 'fast' && !fields.includes('batchSize') && settings.batchSize > images) {
    // The fast recipe drops each epoch's last, smaller batch: nothing would train. The rule is
    // @cnnkit/recipes' largestBatchSize (the page does not import the recipes; the test checks
    // that both refuse the same batches).
    problems.push(
      `batch size must be at most the ${images.toLocaleString('en-US')} training images with the fast recipe, which drops an incomplete last batch (got "${settings.batchSize}")`,
    );
    fields.push('batchSize');
  }
  if (problems.length > 0) {
    throw new SettingsError(`Fix the settings: ${problems.join('; ')}.`, fields);
  }
  return settings;
}
