import type { Type } from 'protobufjs/light.js';

let modelProto: Promise<Type> | undefined;

/**
 * protobufjs' `onnx.ModelProto` type, built from the official schema on first use. Both are
 * imported on demand, so apps that never export or import ONNX do not load them.
 */
export function onnxModelProto(): Promise<Type> {
  modelProto ??= Promise.all([import('protobufjs/light.js'), import('./onnx-schema.js')]).then(
    ([protobuf, { ONNX_SCHEMA }]) =>
      // protobufjs is CommonJS: its API is the default export under ESM.
      (protobuf.default ?? protobuf).Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto'),
  );
  return modelProto;
}
