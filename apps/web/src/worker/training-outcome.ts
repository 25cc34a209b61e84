import { NonFiniteLossError, type TrainResult } from '@cnnkit/trainer';
import type { TrainOutcome, TrainSettings } from '../protocol.js';
import { recoverFromLostContext } from './backend-switching.js';
import { firstLine } from './first-line.js';
import type { WorkerSession } from './worker-session.js';

/** How a run that the trainer ended (finished or stopped) is reported. */
export function endedOutcome(result: TrainResult, settings: TrainSettings): TrainOutcome {
  const step = result.state.step;
  if (result.stopReason === 'aborted') {
    return { reason: 'stopped', message: `Stopped after step ${step}.`, step };
  }
  const final = result.state.history.at(-1)?.test;
  const epochs = `${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}`;
  const accuracy = final ? `: test accuracy ${(100 * final.accuracy).toFixed(1)} %` : '';
  return { reason: 'completed', message: `Finished ${epochs} (${step} steps)${accuracy}.`, step };
}

/**
 * How a run that failed is reported. After a lost GPU context it first moves the session to
 * the next working backend with the last weights copied off the GPU.
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
  },
): Promise<TrainOutcome> {
  const { step } = run;
  if (run.contextLost) {
    await recoverFromLostContext(session);
    return {
      reason: 'context-lost',
      message: `The WebGL context was lost at step ${step}; training stopped. The last copy of the weights taken before the loss (step ${run.snapshotStep}) was kept and moved to ${session.activeBackend ?? 'no backend'}.`,
      step,
    };
  }
  if (error instanceof NonFiniteLossError) {
    return {
      reason: 'non-finite-loss',
      message: `The loss became ${error.loss} at epoch ${error.epoch + 1}, batch ${error.batch + 1} (lr ${run.settings.lr}); training stopped and the weights of the last good step were kept. Try a smaller learning rate.`,
      step,
    };
  }
  // Unexpected: keep the stack for bug reports.
  console.error(error);
  return { reason: 'error', message: `Training failed: ${firstLine(error)}`, step };
}
