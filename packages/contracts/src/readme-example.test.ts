import { describeBuiltPackage } from '@cnnkit/build-config/doc-examples';

describeBuiltPackage(new URL('..', import.meta.url), {
  exports: {
    entry: '@cnnkit/contracts',
    names: [
      'batchNormTrainGradKernel',
      'batchNormTrainKernel',
      'biasReluGradKernel',
      'biasReluKernel',
      'defineFusedKernel',
      'fusedSgdKernel',
      'geluGradKernel',
      'geluKernel',
      'hasFusedKernel',
      'runFusedKernel',
      'softmaxCrossEntropyKernel',
    ],
  },
});
