import { describeBuiltPackage } from '@cnnkit/build-config/doc-examples';

describeBuiltPackage(new URL('..', import.meta.url), {
  exports: {
    entry: '@cnnkit/wasm-kernels',
    names: [
      'addConfig',
      'batchMatMulConfig',
      'biasReluConfig',
      'biasReluGradConfig',
      'biasReluGradKernelName',
      'biasReluKernelName',
      'castConfig',
      'conv2DBackpropFilterConfig',
      'conv2DConfig',
      'conv2DBackpropInputConfig',
      'fusedSgdConfig',
      'fusedSgdKernelName',
      'identityConfig',
      'maxPoolGradConfig',
      'prepareWasmTrainingKernels',
      'registerWasmTrainingKernels',
      'simdVariant',
      'softmaxCrossEntropyConfig',
      'softmaxCrossEntropyKernelName',
      'sumConfig',
      'supportedTfjsVersion',
      'wasmTrainingKernelConfigs',
    ],
  },
});
