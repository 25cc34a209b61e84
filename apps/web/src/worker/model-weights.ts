import { AIRBENCH_CIFAR10 } from '@cnnkit/airbench-cifar10';
import type { TrainableClassifier } from '@cnnkit/contracts';
import type { WeightsInfo } from '@cnnkit/models';
import type { ExportedDownload, Inspection } from '../protocol.js';
import { airbenchCifar10Weights } from './airbench-cifar10-weights.js';
import { errorMessage } from './error-message.js';
import { inspect } from './inspection.js';
import { modelBytes } from './model-bytes.js';
import { modelForInfo } from './page-model.js';
import { loadedWeightsInfo, withInfo } from './weights-info.js';
import type { WorkerSession } from './worker-session.js';

/**
 * The model's weights as safetensors bytes (PyTorch names and layouts), with cnnkit's
 * metadata (model, class names, input shape, normalisation) as `cnnkit train` writes it, named
 * after the model as `cnnkit train` names it (`simple-cnn.safetensors`, `airbench.safetensors`).
 */
export async function saveWeights(session: WorkerSession): Promise<ExportedDownload> {
  const info = session.currentInfo();
  const bytes = withInfo(await modelBytes(session.currentModel()), info);
  return { name: `${info.model}.safetensors`, bytes };
}

/**
 * Loads safetensors weights (written by the page, `cnnkit train` or PyTorch) into a model of
 * the kind their metadata names (SimpleCNN when it names none) and inspects it; an error names
 * the file, and the model before stays.
 */
export async function loadWeights(
  session: WorkerSession,
  bytes: Uint8Array,
  name: string,
): Promise<Inspection> {
  session.requireIdle('loading weights');
  let info: WeightsInfo;
  let model: TrainableClassifier | undefined;
  try {
    const dataNames = session.requireData().train.classNames;
    info = loadedWeightsInfo(bytes, name, dataNames);
    if (info.classNames.length !== dataNames.length) {
      throw new Error(
        `its model tells ${info.classNames.length} classes apart (${namesList(info.classNames)}), the loaded images have ${dataNames.length} (${namesList(dataNames)}); load images of its classes first (2 · Data), then these weights.`,
      );
    }
    model = modelForInfo(info);
    model.loadWeights(bytes);
  } catch (error) {
    model?.dispose();
    // Every problem, one per line: the page lists them.
    throw new Error(`${name}: ${errorMessage(error)}`);
  }
  session.model?.dispose();
  session.model = model;
  session.lastGoodWeights = bytes;
  session.weightsInfo = info;
  return inspect(session);
}

/**
 * Loads `@cnnkit/airbench-cifar10`'s AirbenchNet (the fast recipe's CIFAR-10 model) as the
 * page's model, for "Classify your own image" and Inspect.
 */
export async function loadAirbenchCifar10(session: WorkerSession): Promise<Inspection> {
  session.requireIdle('loading weights');
  return loadWeights(session, await airbenchCifar10Weights(session), AIRBENCH_CIFAR10.fileName);
}

/** "cat, dog, …" — the first few names of a long list. */
function namesList(names: readonly string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, …`;
}
