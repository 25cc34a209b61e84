import { NonFiniteLossError, type TrainResult } from '@cnnkit/trainer';
import { accuracyText } from '../accuracy-text.js';
import type { Inspection, TrainOutcome, TrainSettings } from '../protocol.js';
import { recoverFromLostContext } from './backend-switching.js';
import { errorMessage } from './error-message.js';
import { inspect } from './inspection.js';
import type { WorkerSession } from './worker-session.js';

/** "; 512 images/s on average" (training time only), or nothing before the first batch. */
function averageSpeed(imagesPerSecond: number): string {
  return imagesPerSecond > 0 ? `; ${imagesPerSecond.toFixed(0)} images/s on average` : '';
}

/** ": test accuracy 41.2 % (206 / 500 images)" for the model as the run left it. */
function accuracyOf(inspection: Inspection): string {
  return `: ${accuracyText(inspection.evaluation, 'test accuracy')}`;
}

/**
 * How a run that the trainer ended (finished or stopped) is reported. A stopped run's model
 * is evaluated now, so its message and the page's inspection show the weights it ended with.
 */
export async function endedOutcome(
  session: WorkerSession,
  result: TrainResult,
  run: {
    readonly settings: TrainSettings;
    readonly batchesPerEpoch: number;
    readonly averageImagesPerSecond: number;
  },
): Promise<TrainOutcome> {
  const { step, epoch, batchInEpoch } = result.state;
  const speed = averageSpeed(run.averageImagesPerSecond);
  if (result.stopReason === 'aborted') {
    const inspection = await inspect(session);
    const where =
      step === 0 ? 'before the first step' : `after step ${step.toLocaleString('en-US')}`;
    const position =
      step === 0 ? '' : ` (epoch ${epoch + 1}, batch ${batchInEpoch} / ${run.batchesPerEpoch})`;
    return {
      reason: 'stopped',
      message: `Stopped ${where}${position}${accuracyOf(inspection)}${speed}.`,
      step,
      inspection,
    };
  }
  const final = result.state.history.at(-1)?.test;
  const epochs = `${run.settings.epochs} epoch${run.settings.epochs === 1 ? '' : 's'}`;
  const accuracy = final ? `: test accuracy ${(100 * final.accuracy).toFixed(1)} %` : '';
  return {
    reason: 'completed',
    message: `Finished ${epochs} (${step.toLocaleString('en-US')} steps)${accuracy}${speed}.`,
    step,
  };
}

/**
 * How a run that failed is reported, with the model it left evaluated. After a lost GPU
 * context it first moves the session to the next working backend with the last weights
 * copied off the GPU.
 */
export async function failedOutcome(
  session: WorkerSession,
  error: unknown,
  run: {
    readonly contextLost: boolean;
    readonly settings: TrainSettings;
    /** The last finished step. */
    readonly step: number;
    /** The step of the last weights copy. */
    readonly snapshotStep: number;
    readonly averageImagesPerSecond: number;
  },
): Promise<TrainOutcome> {
  const { step } = run;
  const speed = averageSpeed(run.averageImagesPerSecond);
  if (run.contextLost) {
    await recoverFromLostContext(session);
    const inspection = session.activeBackend ? await inspect(session) : undefined;
    return {
      reason: 'context-lost',
      message: `The WebGL context was lost at step ${step}; training stopped. The last copy of the weights taken before the loss (step ${run.snapshotStep}) was kept and moved to ${session.activeBackend ?? 'no backend'}${inspection ? accuracyOf(inspection) : ''}.`,
      step,
      ...(inspection ? { inspection } : {}),
    };
  }
  if (error instanceof NonFiniteLossError) {
    const inspection = await inspect(session);
    return {
      reason: 'non-finite-loss',
      message: `The loss became ${error.loss} at epoch ${error.epoch + 1}, batch ${error.batch + 1} (lr ${run.settings.lr}); training stopped and the weights of the last good step were kept${accuracyOf(inspection)}. Try a smaller learning rate.`,
      step,
      inspection,
    };
  }
  // Unexpected: keep the stack for bug reports.
  console.error(error);
  return { reason: 'error', message: `Training failed: ${errorMessage(error)}${speed}`, step };
}
