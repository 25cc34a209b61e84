import type { Inspection } from '../protocol.js';
import { errorMessage } from './error-message.js';
import { inspect } from './inspection.js';
import { modelBytes } from './model-bytes.js';
import type { WorkerSession } from './worker-session.js';

/** The model's weights as safetensors bytes (PyTorch names and layouts). */
export function saveWeights(session: WorkerSession): Promise<Uint8Array> {
  return modelBytes(session.currentModel());
}

/**
 * Loads safetensors weights (written by the page, `cnnkit train` or PyTorch) into the model
 * and inspects it; an error names the file.
 */
export async function loadWeights(
  session: WorkerSession,
  bytes: Uint8Array,
  name: string,
): Promise<Inspection> {
  session.requireIdle('loading weights');
  try {
    session.currentModel().loadWeights(bytes);
  } catch (error) {
    // Every problem, one per line: the page lists them.
    throw new Error(`${name}: ${errorMessage(error)}`);
  }
  session.lastGoodWeights = bytes;
  return inspect(session);
}
