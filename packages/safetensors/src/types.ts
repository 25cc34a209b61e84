/** Element types of the safetensors format that cnnkit reads and writes. */
export type SafetensorsDtype =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U8'
  | 'BOOL';

/** A tensor to write: its values in a typed array of a matching type. */
export interface TensorToEncode {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Values in row-major order; F16/BF16 take raw 16-bit words as Uint16Array. */
  readonly data:
    | Float64Array
    | Float32Array
    | Uint16Array
    | BigInt64Array
    | Int32Array
    | Int16Array
    | Int8Array
    | Uint8Array;
}

/** A tensor as read: its raw little-endian bytes and how to view them as numbers. */
export interface DecodedTensor {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** The tensor's raw little-endian bytes (a view into the file's buffer). */
  readonly bytes: Uint8Array;
}

/** A whole safetensors file: tensors by name, in file order, and the string metadata. */
export interface DecodedSafetensors {
  readonly tensors: ReadonlyMap<string, DecodedTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}
