/**
 * Image-classification CNNs built from TensorFlow.js core ops, with parameters named and
 * saved like their PyTorch counterparts so weights move between the two as safetensors.
 *
 * @packageDocumentation
 */

export { biasRelu } from './bias-relu.js';
export {
  type CreateModelOptions,
  createModel,
  MODEL_NAMES,
  type ModelName,
} from './model-registry.js';
export { biasLayout, conv2dWeightLayout, linearWeightLayout } from './parameter-layouts.js';
export { pytorchDefaultInit } from './pytorch-default-init.js';
export { SIMPLE_CNN_LAYOUTS, SimpleCNN } from './simple-cnn.js';
export { decodeTorchWeights, encodeTorchWeights, WeightsMismatchError } from './torch-weights.js';
export type { ParameterLayout } from './types.js';
