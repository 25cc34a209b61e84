import type { ImageDataset } from '@cnnkit/datasets';
import { UserError } from './user-errors.js';

/**
 * `dataset` with its labels renumbered into the model's classes, matched by name: an image
 * folder for evaluation may hold fewer classes than the model knows, in another order. A class
 * the model does not know is an error naming it.
 */
export function inModelClasses(
  dataset: ImageDataset,
  modelClasses: readonly string[],
  what: { weights: string; data: string },
): ImageDataset {
  const same =
    dataset.classNames.length === modelClasses.length &&
    dataset.classNames.every((name, i) => name === modelClasses[i]);
  if (same) return dataset;
  const index = new Map(modelClasses.map((name, i) => [name, i]));
  const unknown = dataset.classNames.filter((name) => !index.has(name));
  if (unknown.length > 0) {
    throw new UserError(
      `${what.data} has classes that ${what.weights} was not trained on (${unknown.join(', ')}); its classes are ${modelClasses.join(', ')}. Evaluate on a folder of those classes.`,
    );
  }
  const labels = Uint8Array.from(dataset.labels, (label) => {
    return index.get(dataset.classNames[label] as string) as number;
  });
  return { ...dataset, labels, classNames: modelClasses };
}
