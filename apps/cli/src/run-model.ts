import type { NamedParameter, TrainableClassifier } from '@cnnkit/contracts';
import {
  createModel,
  describeModel,
  loadPretrainedWeights,
  type WeightsInfo,
  WeightsMismatchError,
  withWeightsInfo,
} from '@cnnkit/models';
import { recipeModelOptions, recipeNormalize } from '@cnnkit/recipes';
import type { LoadedData } from './data-source.js';
import { CNNKIT_VERSION, readWeightsFile, weightsInfoOf } from './model-weights.js';
import type { RunSettings } from './run-settings.js';
import { UserError } from './user-errors.js';

/** The model a run trains, labelled with what its weights files will say about it. */
export interface RunModel {
  /** Its `saveWeights()` writes the metadata (checkpoints and final weights alike). */
  readonly model: TrainableClassifier;
  readonly info: WeightsInfo;
  /** The parameters the optimizer updates: all, or the classifier head with `--freeze`. */
  readonly trained: readonly NamedParameter[];
}

/**
 * A fresh model for the run's data — the recipe's model with one output per class (SimpleCNN
 * for the decoded image size, AirbenchNet with the run's widths) — seeded by the run's seed,
 * wrapped so that its weights carry their metadata (model, options, classes, normalisation).
 */
export function createRunModel(settings: RunSettings, loaded: LoadedData): RunModel {
  const { train } = loaded.data;
  const classNames = train.classNames;
  const modelOptions = recipeModelOptions(settings, {
    numClasses: classNames.length,
    imageSize: train.height,
  });
  let model: TrainableClassifier;
  try {
    model = createModel(settings.model, { seed: settings.seed, ...modelOptions });
  } catch (error) {
    throw new UserError(
      `cannot build ${settings.model} for ${loaded.source}: ${(error as Error).message}`,
    );
  }
  const info: WeightsInfo = {
    model: settings.model,
    modelOptions,
    classNames,
    inputShape: [train.height, train.width, train.channels],
    normalize: recipeNormalize(settings.normalization),
    // CIFAR-10 is not resized; predict squashes other images to 32×32 as it always did.
    resize: loaded.image?.resize ?? 'squash',
    cnnkitVersion: CNNKIT_VERSION,
  };
  const labelled = withWeightsInfo(model, info);
  const head = new Set(describeModel(settings.model, { seed: 0, ...modelOptions }).head);
  const trained = settings.freeze
    ? labelled.parameters.filter((p) => head.has(p.name))
    : labelled.parameters;
  return { model: labelled, info, trained };
}

const shape = (s: readonly number[]) => `[${s.join(', ')}]`;

/**
 * Loads `--init-weights` into a fresh run model: every tensor of the file, except the
 * classifier head when the file was trained for other classes (then re-initialised from the
 * seed). Returns the lines that tell the user what happened.
 */
export async function startFromWeights(
  run: RunModel,
  settings: RunSettings,
  file: string,
): Promise<string[]> {
  const bytes = await readWeightsFile(file);
  const { info: from, described } = weightsInfoOf(bytes, file);
  const to = run.info;
  if (from.model !== to.model) {
    throw new UserError(
      `${file} holds ${from.model} weights; this run trains ${to.model}. Start from weights of the same model.`,
    );
  }
  const [fromSize] = from.inputShape;
  const [toSize] = to.inputShape;
  if (fromSize !== toSize && to.model === 'simple-cnn') {
    throw new UserError(
      `${file} was trained on ${fromSize}×${fromSize} images and SimpleCNN's fc1 depends on the size; pass --image-size ${fromSize} to fine-tune it.`,
    );
  }
  const sameClasses =
    from.classNames.length === to.classNames.length &&
    from.classNames.every((name, i) => name === to.classNames[i]);
  const head = describeModel(to.model, { seed: 0, ...to.modelOptions }).head;
  let reinitialised: ReturnType<typeof loadPretrainedWeights>;
  try {
    reinitialised = loadPretrainedWeights(run.model, bytes, {
      head,
      reinitialiseHead: !sameClasses,
      modelName: to.model,
      source: file,
    });
  } catch (error) {
    if (error instanceof WeightsMismatchError) {
      throw new UserError(
        `${file} does not fit ${to.model} (${error.problems.join('; ')}); start from weights of the same model and image size.`,
      );
    }
    throw new UserError(`${file}: ${(error as Error).message}`);
  }
  const classes = (names: readonly string[]) =>
    names.length <= 4 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, …`;
  const lines = [
    `starting from ${file} (${from.classNames.length} classes${described ? '' : ', CIFAR-10 by default: the file names none'}: ${classes(from.classNames)})`,
  ];
  if (reinitialised.length > 0) {
    const tensors = reinitialised.map((t) =>
      shape(t.fileShape) === shape(t.modelShape)
        ? `${t.name} ${shape(t.modelShape)}`
        : `${t.name} ${shape(t.fileShape)} → ${shape(t.modelShape)}`,
    );
    // As many classes but other ones: the old head's rows would name the wrong classes.
    const why =
      from.classNames.length === to.classNames.length ? ' (as many, but other classes)' : '';
    lines.push(
      `re-initialised the classifier head for this data's ${to.classNames.length} classes (${classes(to.classNames)})${why}: ${tensors.join(', ')}`,
    );
  }
  if (JSON.stringify(from.normalize) !== JSON.stringify(to.normalize)) {
    lines.push(
      `${file} was trained with normalisation ${JSON.stringify(from.normalize)}; this run uses ${JSON.stringify(to.normalize)} (--normalization ${settings.normalization})`,
    );
  }
  if (settings.freeze) {
    lines.push(
      `--freeze: training only ${run.trained.map((p) => p.name).join(', ')}; the feature layers stay as loaded`,
    );
  }
  return lines;
}
