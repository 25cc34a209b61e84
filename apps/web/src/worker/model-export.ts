import { type ExportOptions, exportOnnx, exportTfjs, type WeightsInfo } from '@cnnkit/models';
import { zipSync } from 'fflate';
import type { ExportedDownload, ExportFormat } from '../protocol.js';
import { errorMessage } from './error-message.js';
import type { WorkerSession } from './worker-session.js';

/**
 * What the weights download says about the model, as export options: the same class names,
 * normalisation, input size, resize policy and (for a loaded cnnkit file) version, so an
 * exported file carries the metadata `cnnkit export` would write for the downloaded weights.
 */
function exportOptions(info: WeightsInfo): ExportOptions {
  return {
    classNames: info.classNames,
    normalization: info.normalize,
    inputSize: { height: info.inputShape[0], width: info.inputShape[1] },
    resize: info.resize,
    ...(info.cnnkitVersion === undefined ? {} : { cnnkitVersion: info.cnnkitVersion }),
  };
}

/**
 * The current model as a file to download, named after it as `cnnkit export` names it:
 * `simple-cnn.onnx`, or `simple-cnn-tfjs.zip` holding `simple-cnn-tfjs/model.json` and its
 * weight shards (`airbench.onnx`, `airbench-tfjs.zip` for AirbenchNet). A TF.js graph model is several files and
 * `loadGraphModel(url)` fetches each shard by its name next to `model.json` (it has no form with
 * the weights inside model.json), so one zip that unpacks into a servable folder is the download
 * that keeps them together. Stored, not deflated: float32 weights barely compress.
 */
export async function exportModel(
  session: WorkerSession,
  format: ExportFormat,
): Promise<ExportedDownload> {
  session.requireData();
  const info = session.currentInfo();
  const model = session.currentModel();
  try {
    if (format === 'onnx') {
      return { name: `${info.model}.onnx`, bytes: await exportOnnx(model, exportOptions(info)) };
    }
    const files = await exportTfjs(model, exportOptions(info));
    // The directory name `cnnkit export --format tfjs` writes.
    const folder = `${info.model}-tfjs`;
    const zip = zipSync(Object.fromEntries(files.map((f) => [`${folder}/${f.name}`, f.bytes])), {
      level: 0,
    });
    return { name: `${folder}.zip`, bytes: zip };
  } catch (error) {
    const what = format === 'onnx' ? 'ONNX' : 'TF.js';
    throw new Error(
      `Could not export the model as ${what}: ${errorMessage(error)} Download the weights instead and run \`cnnkit export --weights ${info.model}.safetensors --format ${format}\`.`,
    );
  }
}
