/**
 * Image-classification CNNs built from TensorFlow.js core ops, with parameters named and
 * saved like their PyTorch counterparts so weights move between the two as safetensors:
 * the tutorial's SimpleCNN, the airbench-style net and ResNet-9, the layers they are made of
 * (with PyTorch's semantics), airbench's patch-whitening initialisation, and export to ONNX and
 * TensorFlow.js graph models (with ONNX weights importable back).
 *
 * @packageDocumentation
 */

export {
  AirbenchNet,
  type AirbenchNetOptions,
  airbenchNetSize,
  type ModelSize,
  type ResolvedAirbenchNetOptions,
} from './airbench-net.js';
export { BatchNorm2d, type BatchNorm2dOptions } from './batch-norm-2d.js';
export { biasRelu } from './bias-relu.js';
export { Conv2d, type Conv2dOptions } from './conv2d.js';
export type { ExportMetadata, Preprocessing } from './export/export-metadata.js';
export {
  type ExportOptions,
  type Normalization,
  TUTORIAL_NORMALIZATION,
} from './export/export-options.js';
export { exportOnnx, ONNX_OPSET } from './export/onnx-export.js';
export { weightsFromOnnx } from './export/onnx-import.js';
export { type ExportedFile, exportTfjs } from './export/tfjs-export.js';
export { gelu } from './gelu.js';
export { globalMaxPool2d } from './global-max-pool-2d.js';
export { Linear, type LinearOptions } from './linear.js';
export {
  type LoadPretrainedOptions,
  loadPretrainedWeights,
  type ReinitialisedTensor,
} from './load-pretrained-weights.js';
export { maxPool2d } from './max-pool-2d.js';
export {
  type CreateModelOptions,
  createModel,
  describeModel,
  MODEL_NAMES,
  type ModelDescription,
  type ModelName,
  type ModelOptionsByName,
} from './model-registry.js';
export {
  batchCountLayout,
  biasLayout,
  channelVectorLayout,
  conv2dWeightLayout,
  linearWeightLayout,
} from './parameter-layouts.js';
export { patchCovariance } from './patch-covariance.js';
export { pytorchDefaultInit } from './pytorch-default-init.js';
export {
  ResNet9,
  type ResNet9Options,
  type ResNet9Widths,
  type ResolvedResNet9Options,
  resNet9Size,
} from './resnet9.js';
export {
  SIMPLE_CNN_LAYOUTS,
  SimpleCNN,
  type SimpleCnnOptions,
  simpleCnnLayouts,
} from './simple-cnn.js';
export {
  createStateEntry,
  loadStateDict,
  type StateEntry,
  saveStateDict,
} from './state-dict.js';
export { StateDictModel } from './state-dict-model.js';
export { type SymmetricEigen, symmetricEigen } from './symmetric-eigen.js';
export { decodeTorchWeights, encodeTorchWeights, WeightsMismatchError } from './torch-weights.js';
export type { ParameterLayout } from './types.js';
export {
  readWeightsInfo,
  WEIGHTS_INFO_KEYS,
  type WeightsInfo,
  weightsInfoMetadata,
  withWeightsInfo,
} from './weights-info.js';
export { type WhiteningOptions, whiteningWeights } from './whitening-weights.js';
