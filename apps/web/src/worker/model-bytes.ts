import type { TrainableClassifier } from '@cnnkit/contracts';

/**
 * The model's weights as safetensors bytes (`saveWeights`), read from the GPU asynchronously
 * first. `saveWeights` reads each tensor synchronously; on webgpu that goes through a canvas
 * per tensor, and in Chromium's software WebGPU (SwiftShader) the device then refuses every
 * later upload ("createBuffer failed … too large for the implementation"). An awaited `data()`
 * keeps the values on the CPU side, so the synchronous read that follows copies nothing.
 */
export async function modelBytes(model: TrainableClassifier): Promise<Uint8Array> {
  await Promise.all(model.parameters.map((p) => p.variable.data()));
  return model.saveWeights();
}
