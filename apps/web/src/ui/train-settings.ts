import type { TrainSettings } from '../protocol.js';

/** The settings form's values were not valid: `fields` names the bad inputs. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';

  constructor(
    message: string,
    /** The form inputs' names (lr, momentum, batchSize, epochs, seed, limit) that are wrong. */
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
  const settings = {
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
  if (problems.length > 0) {
    throw new SettingsError(`Fix the settings: ${problems.join('; ')}.`, fields);
  }
  return settings;
}
