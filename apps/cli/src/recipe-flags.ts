import { MODEL_NAMES } from '@cnnkit/models';
import { RECIPES, type RecipeSettings } from '@cnnkit/recipes';
import { Option } from 'commander';
import {
  epochsOrAll,
  integerAtLeast,
  lookaheadSpec,
  lrScheduleSpec,
  nonNegativeNumber,
  numberBetween,
  positiveNumber,
  widthList,
} from './option-parsers.js';

/** The recipe settings a flag can set (all but the recipe's name). */
export type RecipeKey = Exclude<keyof RecipeSettings, 'recipe'>;

/** One hyper-parameter flag: the setting, its flag and how its value is read. */
interface RecipeFlag {
  readonly key: RecipeKey;
  /** The flag without its value, e.g. `--batch-size`; the option's attribute name is `key`. */
  readonly flag: string;
  readonly description: string;
  /** `<n>`-style value name; absent for on/off flags, which also get `--no-<flag>`. */
  readonly value?: string;
  readonly parse?: (value: string) => unknown;
  readonly choices?: readonly string[];
  /** The word that sets the setting to null (`--lookahead none`). */
  readonly nullWord?: string;
}

// The one declaration of the hyper-parameter flags: commander's options, run.json's
// conflicts on --resume and the help's per-recipe defaults all come from it.
export const RECIPE_FLAGS: readonly RecipeFlag[] = [
  {
    key: 'model',
    flag: '--model',
    value: '<name>',
    description: 'the network',
    choices: MODEL_NAMES,
  },
  {
    key: 'widths',
    flag: '--widths',
    value: '<list>',
    description: "airbench's conv group widths, comma-separated",
    parse: widthList,
  },
  {
    key: 'epochs',
    flag: '--epochs',
    value: '<n>',
    description: 'passes over the training data',
    parse: integerAtLeast(1),
  },
  {
    key: 'batchSize',
    flag: '--batch-size',
    value: '<n>',
    description: 'images per training step',
    parse: integerAtLeast(1),
  },
  {
    key: 'sgdForm',
    flag: '--sgd-form',
    value: '<form>',
    description:
      "how --lr and --weight-decay are given: torch (torch.optim.SGD's) or airbench (decoupled, per 1,024 images)",
    choices: ['torch', 'airbench'],
  },
  {
    key: 'lr',
    flag: '--lr',
    value: '<rate>',
    description: 'SGD learning rate',
    parse: positiveNumber,
  },
  {
    key: 'momentum',
    flag: '--momentum',
    value: '<m>',
    description: 'SGD momentum',
    parse: numberBetween(0, 1),
  },
  { key: 'nesterov', flag: '--nesterov', description: 'Nesterov momentum' },
  {
    key: 'weightDecay',
    flag: '--weight-decay',
    value: '<wd>',
    description: 'SGD weight decay',
    parse: nonNegativeNumber,
  },
  {
    key: 'biasLrScale',
    flag: '--bias-lr-scale',
    value: '<x>',
    description: 'BatchNorm biases train at lr × x',
    parse: positiveNumber,
  },
  {
    key: 'labelSmoothing',
    flag: '--label-smoothing',
    value: '<s>',
    description: 'cross-entropy label smoothing',
    parse: numberBetween(0, 1),
  },
  {
    key: 'lossReduction',
    flag: '--loss-reduction',
    value: '<r>',
    description: 'the batch loss: mean or sum of the images’ losses',
    choices: ['mean', 'sum'],
  },
  {
    key: 'lrSchedule',
    flag: '--lr-schedule',
    value: '<spec>',
    description: "learning-rate factor per step: 'constant' or fraction:factor points",
    parse: lrScheduleSpec,
  },
  {
    key: 'lookahead',
    flag: '--lookahead',
    value: '<spec>',
    description: "weight averaging: 'none' or every,decay,power",
    parse: lookaheadSpec,
    nullWord: 'none',
  },
  {
    key: 'whiteningImages',
    flag: '--whitening-images',
    value: '<n>',
    description: "training images that set airbench's whitening layer (0: keep its random init)",
    parse: integerAtLeast(0),
  },
  {
    key: 'whiteningEps',
    flag: '--whitening-eps',
    value: '<eps>',
    description: "added to the patch covariance's eigenvalues",
    parse: positiveNumber,
  },
  {
    key: 'whiteningBiasEpochs',
    flag: '--whitening-bias-epochs',
    value: '<n|all>',
    description: "epochs the whitening layer's bias trains, then frozen",
    parse: epochsOrAll,
    nullWord: 'all',
  },
  { key: 'augment', flag: '--augment', description: 'augment the training images' },
  {
    key: 'augmentation',
    flag: '--augmentation',
    value: '<kind>',
    description:
      'crop-flip (random crop, padding 4, and flip) or flip-translate (alternating flip, reflect-padded translation)',
    choices: ['crop-flip', 'flip-translate'],
  },
  {
    key: 'translate',
    flag: '--translate',
    value: '<px>',
    description: 'flip-translate: shift by up to px pixels',
    parse: integerAtLeast(0),
  },
  {
    key: 'normalization',
    flag: '--normalization',
    value: '<kind>',
    description: 'tutorial (0.5, 0.5) or cifar10 (channel mean and std)',
    choices: ['tutorial', 'cifar10'],
  },
  {
    key: 'tta',
    flag: '--tta',
    value: '<kind>',
    description: "test-time augmentation of the last epoch's evaluation",
    choices: ['none', 'mirror', 'mirror-translate'],
  },
  {
    key: 'dropLast',
    flag: '--drop-last',
    description: "drop each epoch's last, smaller batch",
  },
];

/** A setting as its flag spells it: `--lr 0.001`, `--no-augment`, `--lr-schedule constant`. */
export function flagText(flag: string, value: unknown): string {
  if (typeof value === 'boolean') return value ? flag : `--no-${flag.slice(2)}`;
  const nullWord = RECIPE_FLAGS.find((f) => f.flag === flag)?.nullWord;
  return `${flag} ${value === null && nullWord ? nullWord : settingText(value)}`;
}

function settingText(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (object.type === 'constant') return 'constant';
    if (Array.isArray(object.points)) {
      return (object.points as number[][]).map(([f, v]) => `${f}:${v}`).join(',');
    }
    if ('every' in object) return `${object.every},${object.decay},${object.power}`;
  }
  return String(value);
}

function recipeDefaults(key: RecipeKey): string {
  return Object.values(RECIPES)
    .map((recipe) => {
      const value = recipe[key];
      const text =
        key === 'whiteningBiasEpochs' && value === null
          ? 'all'
          : key === 'widths' && value === null
            ? "the model's"
            : typeof value === 'boolean'
              ? value
                ? 'on'
                : 'off'
              : settingText(value);
      return `${recipe.recipe} ${text}`;
    })
    .join(', ');
}

/** commander options for every flag of {@link RECIPE_FLAGS}, with each recipe's value in the help. */
export function recipeOptions(): Option[] {
  return RECIPE_FLAGS.flatMap(({ key, flag, value, description, parse, choices }) => {
    const help = `${description} (${recipeDefaults(key)})`;
    if (value === undefined) {
      return [new Option(flag, help), new Option(`--no-${flag.slice(2)}`, `no ${flag}`)];
    }
    const option = new Option(`${flag} ${value}`, help);
    if (choices) option.choices(choices);
    if (parse) option.argParser(parse);
    return [option];
  });
}

/** The recipe settings set by flags (undefined when not given). */
export type RecipeFlagValues = { readonly [key in RecipeKey]?: RecipeSettings[key] };

/** The parsed options with each null word (`--lookahead none`) turned into its null. */
export function withNullSettings<T extends object>(options: T): T {
  const result = { ...options } as Record<string, unknown>;
  for (const { key, nullWord } of RECIPE_FLAGS) {
    if (nullWord !== undefined && result[key] === nullWord) result[key] = null;
  }
  return result as T;
}

/** The settings given as flags, to pass to `recipeSettings(name, overrides)`. */
export function recipeOverrides(
  options: RecipeFlagValues,
): Partial<Omit<RecipeSettings, 'recipe'>> {
  return Object.fromEntries(
    RECIPE_FLAGS.flatMap(({ key }) => (options[key] === undefined ? [] : [[key, options[key]]])),
  );
}
