import { describeBuiltPackage } from '@cnnkit/build-config/doc-examples';

describeBuiltPackage(new URL('..', import.meta.url), {
  exports: {
    entry: '@cnnkit/safetensors',
    names: [
      'DTYPE_BYTES',
      'decodeSafetensors',
      'encodeSafetensors',
      'tensorToBigInt64',
      'tensorToFloat32',
      'tensorValues',
      'withSafetensorsMetadata',
    ],
  },
});
