import { encodeSafetensors, type TensorToEncode } from '@cnnkit/safetensors';
import { onnxModelProto } from './onnx-codec.js';

/** The parts of a decoded `onnx.ModelProto` this module reads (schema field names). */
interface DecodedModel {
  readonly graph?: {
    readonly node?: readonly {
      readonly op_type?: string;
      readonly input?: readonly string[];
      readonly attribute?: readonly { readonly name?: string; readonly i?: number }[];
    }[];
    readonly initializer?: readonly DecodedTensor[];
  };
  readonly metadata_props?: readonly { readonly key?: string; readonly value?: string }[];
}

interface DecodedTensor {
  readonly name?: string;
  readonly dims?: readonly number[];
  readonly data_type?: number;
  readonly raw_data?: Uint8Array;
  readonly float_data?: readonly number[];
  readonly double_data?: readonly number[];
}

const FLOAT = 1;
const DOUBLE = 11;
const BATCH_COUNTS = 'cnnkit.batch_counts';

function tensorValues(tensor: DecodedTensor, source: string): Float32Array {
  const { name, data_type: type, raw_data: raw } = tensor;
  const count = (tensor.dims ?? []).reduce((n, d) => n * d, 1);
  let values: Float32Array;
  if (type === FLOAT && raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = Float32Array.from({ length: raw.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
  } else if (type === DOUBLE && raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = Float32Array.from({ length: raw.length / 8 }, (_, i) => view.getFloat64(8 * i, true));
  } else if (type === FLOAT || type === DOUBLE) {
    values = Float32Array.from((type === FLOAT ? tensor.float_data : tensor.double_data) ?? []);
  } else {
    throw new Error(
      `${source}: weight ${name} has ONNX data type ${type}; only float (1) and double (11) weights can be imported.`,
    );
  }
  if (values.length !== count) {
    throw new Error(
      `${source}: weight ${name} holds ${values.length} values for shape [${(tensor.dims ?? []).join(', ')}]; the file is damaged.`,
    );
  }
  return values;
}

/** `[rows, cols]` → `[cols, rows]`. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c] as number;
  return out;
}

/**
 * The weights of an ONNX classifier as a PyTorch state_dict in `.safetensors` bytes, for a
 * cnnkit model's `loadWeights`: a file from {@link exportOnnx}, or PyTorch's
 * `torch.onnx.export` of the same architecture (the tutorial `Net` exports its parameters under
 * their state_dict names). The weights are the initializers that `Conv`, `Gemm`, `MatMul` and
 * `BatchNormalization` nodes read, under their own names; linear weights stored as `[in, out]`
 * (`Gemm` without `transB`, `MatMul`) are transposed to PyTorch's `[out, in]`. BatchNorm's
 * `num_batches_tracked` comes from cnnkit's metadata, or is 0. The file's `cnnkit.*` metadata
 * (model name and options, classes, input shape, normalisation, resize policy, cnnkit version)
 * becomes the weights file's.
 *
 * `loadWeights` then checks every name and shape: a file whose exporter renamed the weights
 * (or folded BatchNorm into the convolutions) fails there with the list of what is missing.
 *
 * @example
 * ```ts
 * const onnx = await exportOnnx(model);
 * const copy = SimpleCNN.create({ seed: 1 });
 * copy.loadWeights(await weightsFromOnnx(onnx));
 * copy.dispose();
 * ```
 */
export async function weightsFromOnnx(
  bytes: Uint8Array,
  source = 'the ONNX file',
): Promise<Uint8Array> {
  const ModelProto = await onnxModelProto();
  let model: DecodedModel;
  try {
    model = ModelProto.toObject(ModelProto.decode(bytes), {
      longs: Number,
      arrays: true,
    }) as DecodedModel;
  } catch (error) {
    throw new Error(
      `${source} is not an ONNX model (${(error as Error).message}); export it again.`,
    );
  }
  const initializers = new Map((model.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  const tensors: Record<string, TensorToEncode> = {};
  const take = (name: string | undefined, transposed = false) => {
    const tensor = name === undefined ? undefined : initializers.get(name);
    if (!tensor || !name || name in tensors) return;
    let values = tensorValues(tensor, source);
    let shape = [...(tensor.dims ?? [])];
    if (transposed && shape.length === 2) {
      const [rows, cols] = shape as [number, number];
      values = transpose(values, rows, cols);
      shape = [cols, rows];
    }
    tensors[name] = { dtype: 'F32', shape, data: values };
  };
  const metadata = Object.fromEntries(
    (model.metadata_props ?? []).map((p) => [p.key ?? '', p.value ?? '']),
  );
  const counts = JSON.parse(metadata[BATCH_COUNTS] ?? '{}') as Record<string, number>;
  for (const node of model.graph?.node ?? []) {
    const [, w, b, mean, variance] = node.input ?? [];
    switch (node.op_type) {
      case 'Conv':
        take(w);
        take(b);
        break;
      case 'Gemm': {
        const transB = node.attribute?.find((a) => a.name === 'transB')?.i ?? 0;
        take(w, transB === 0);
        take(b);
        break;
      }
      case 'MatMul':
        take(w, true);
        break;
      case 'BatchNormalization': {
        for (const name of [w, b, mean, variance]) take(name);
        const key = `${(w ?? '').replace(/\.weight$/, '')}.num_batches_tracked`;
        tensors[key] = {
          dtype: 'I64',
          shape: [],
          data: BigInt64Array.of(BigInt(counts[key] ?? 0)),
        };
        break;
      }
    }
  }
  if (Object.keys(tensors).length === 0) {
    throw new Error(`${source} has no Conv, Gemm, MatMul or BatchNormalization weights to import.`);
  }
  // The weights file says what the export said: cnnkit's own keys, counts excepted.
  const cnnkitKeys = Object.entries(metadata).filter(
    ([key]) => key.startsWith('cnnkit.') && key !== BATCH_COUNTS,
  );
  return encodeSafetensors(tensors, { format: 'pt', ...Object.fromEntries(cnnkitKeys) });
}
