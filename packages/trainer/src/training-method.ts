import type { NamedParameter, TrainingMethod } from '@cnnkit/contracts';
import { checkLearningRateSchedule } from './learning-rate-schedule.js';
import { checkLookaheadSettings } from './lookahead-averaging.js';
import { checkTestTimeAugmentation } from './test-time-augmentation.js';

/**
 * Throws, naming the field and quoting the value, unless `method` is usable with a model of
 * these `parameters` (every name in `trainedForEpochs` must be one of them). `where` names the
 * source in the message (`train method`, a checkpoint).
 */
export function checkTrainingMethod(
  method: TrainingMethod,
  where: string,
  parameters: readonly NamedParameter[],
): void {
  if (method.lrSchedule) checkLearningRateSchedule(method.lrSchedule, where);
  if (method.lookahead) checkLookaheadSettings(method.lookahead, where);
  if (method.testTimeAugmentation) {
    checkTestTimeAugmentation(method.testTimeAugmentation, where);
  }
  const names = new Set(parameters.map((p) => p.name));
  for (const [name, epochs] of Object.entries(method.trainedForEpochs ?? {})) {
    if (!names.has(name)) {
      throw new Error(
        `${where}: trainedForEpochs names "${name}", which is not a trainable parameter of the model; use one of ${[...names].slice(0, 4).join(', ')}, ….`,
      );
    }
    if (!Number.isInteger(epochs) || epochs < 0) {
      throw new RangeError(
        `${where}: trainedForEpochs["${name}"] must be an integer >= 0, got ${String(epochs)}.`,
      );
    }
  }
}

/** The parameters `method` keeps frozen during 0-based `epoch`. */
export function frozenParameters(method: TrainingMethod, epoch: number): Set<string> {
  const frozen = new Set<string>();
  for (const [name, epochs] of Object.entries(method.trainedForEpochs ?? {})) {
    if (epoch >= epochs) frozen.add(name);
  }
  return frozen;
}
