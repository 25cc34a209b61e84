import { describeBuiltPackage } from '@cnnkit/build-config/doc-examples';

describeBuiltPackage(new URL('..', import.meta.url), {
  exports: {
    entry: '@cnnkit/backends',
    names: [
      'BackendSelectionError',
      'TRAINING_CHECK_TOLERANCE',
      'checkBackendTrains',
      'cpuCandidate',
      'createBackendRegistry',
      'wasmCandidate',
      'webglCandidate',
      'webgpuCandidate',
    ],
  },
});
