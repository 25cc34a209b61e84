import type { WeightsInfo } from '@cnnkit/models';
import type { Inspection } from '../protocol.js';
import { errorMessage } from './error-message.js';
import { inspect } from './inspection.js';
import { modelBytes } from './model-bytes.js';
import { loadedWeightsInfo, pageWeightsInfo, withInfo } from './weights-info.js';
import type { WorkerSession } from './worker-session.js';

/**
 * The model's weights as safetensors bytes (PyTorch names and layouts), with cnnkit's
 * metadata (model, class names, input shape, normalisation) as `cnnkit train` writes it.
 */
export async function saveWeights(session: WorkerSession): Promise<Uint8Array> {
  const info = session.weightsInfo ?? pageWeightsInfo(session.requireData().train.classNames);
  return withInfo(await modelBytes(session.currentModel()), info);
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
  let info: WeightsInfo;
  try {
    const dataNames = session.requireData().train.classNames;
    info = loadedWeightsInfo(bytes, name, dataNames);
    if (info.classNames.length !== dataNames.length) {
      throw new Error(
        `its model tells ${info.classNames.length} classes apart (${namesList(info.classNames)}), the loaded images have ${dataNames.length} (${namesList(dataNames)}); load images of its classes first (2 · Data), then these weights.`,
      );
    }
    session.currentModel().loadWeights(bytes);
  } catch (error) {
    // Every problem, one per line: the page lists them.
    throw new Error(`${name}: ${errorMessage(error)}`);
  }
  session.lastGoodWeights = bytes;
  session.weightsInfo = info;
  return inspect(session);
}

/** "cat, dog, …" — the first few names of a long list. */
function namesList(names: readonly string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, …`;
}
