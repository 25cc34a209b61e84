/** A safetensors file assembled byte by byte from the format's definition, not by the encoder. */
export function handMadeFile(header: string, data: readonly number[]): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** `header` padded with spaces to a multiple of 8 bytes, as the reference writer does. */
export function padded(header: string): string {
  return header + ' '.repeat((8 - (header.length % 8)) % 8);
}
