import { describeBuiltPackage } from '@cnnkit/build-config/doc-examples';

describeBuiltPackage(new URL('..', import.meta.url), {
  exports: {
    entry: '@cnnkit/models',
    names: [
      'MODEL_NAMES',
      'SIMPLE_CNN_LAYOUTS',
      'SimpleCNN',
      'WeightsMismatchError',
      'biasLayout',
      'biasRelu',
      'conv2dWeightLayout',
      'createModel',
      'decodeTorchWeights',
      'encodeTorchWeights',
      'linearWeightLayout',
      'pytorchDefaultInit',
    ],
  },
});
