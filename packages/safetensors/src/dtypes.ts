import type { SafetensorsDtype } from './types.js';

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/**
 * The dtypes in the declaration order of the reference implementation's `Dtype` enum
 * (huggingface/safetensors). Its writer stores tensors by this order, descending, so that
 * wide types come first and every tensor's data stays aligned to its element size.
 */
const REFERENCE_DTYPE_ORDER: readonly SafetensorsDtype[] = [
  'BOOL',
  'U8',
  'I8',
  'I16',
  'F16',
  'BF16',
  'I32',
  'F32',
  'F64',
  'I64',
];

/** Position of a dtype in the reference writer's order (higher is written first). */
export function referenceDtypeRank(dtype: SafetensorsDtype): number {
  return REFERENCE_DTYPE_ORDER.indexOf(dtype);
}

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_BYTES, value);
}
