/**
 * Read and write `.safetensors` files — the weight format of PyTorch and Hugging Face — in
 * Node and browsers, with strict validation and no dependencies.
 *
 * @packageDocumentation
 */
export { decodeSafetensors } from './decode-safetensors.js';
export { DTYPE_BYTES } from './dtypes.js';
export { encodeSafetensors } from './encode-safetensors.js';
export {
  type TensorValues,
  tensorToBigInt64,
  tensorToFloat32,
  tensorValues,
} from './tensor-values.js';
export type {
  DecodedSafetensors,
  DecodedTensor,
  SafetensorsDtype,
  TensorToEncode,
} from './types.js';
export { withSafetensorsMetadata } from './with-metadata.js';
