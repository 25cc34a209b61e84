import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { expect, it } from 'vitest';
import { PROTO_FILE } from '../../scripts/onnx-schema.mjs';
import { ONNX_SCHEMA } from './onnx-schema.js';

it('is the descriptor of schema/onnx.proto (regenerate: node scripts/onnx-schema.mjs)', () => {
  const { root } = protobuf.parse(readFileSync(PROTO_FILE, 'utf8'), { keepCase: true });
  expect(ONNX_SCHEMA).toEqual(JSON.parse(JSON.stringify(root.toJSON())));
});

it('holds the ONNX types the exporter writes, with their official field numbers', () => {
  const root = protobuf.Root.fromJSON(ONNX_SCHEMA);
  const model = root.lookupType('onnx.ModelProto');
  expect(model.fields.ir_version?.id).toBe(1);
  expect(model.fields.graph?.id).toBe(7);
  expect(model.fields.metadata_props?.id).toBe(14);
  const tensor = root.lookupType('onnx.TensorProto');
  expect(tensor.fields.raw_data?.id).toBe(9);
  expect(root.lookupEnum('onnx.TensorProto.DataType').values.FLOAT).toBe(1);
  expect(root.lookupEnum('onnx.Version').values.IR_VERSION).toBe(8);
});
