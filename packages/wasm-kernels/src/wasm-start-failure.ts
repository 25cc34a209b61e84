import * as tf from '@tensorflow/tfjs-core';
import { supportedTfjsVersion } from './wasm-backend-internals.js';

const wasmMagic = [0x00, 0x61, 0x73, 0x6d];

const serveTheFiles =
  "Serve tfjs-backend-wasm's .wasm files (node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm) " +
  'and pass their location as wasmPaths to startWasmTraining() (see the README of ' +
  "@cnnkit/wasm-kernels; with Vite: the cnnkitWasm() plugin of '@cnnkit/wasm-kernels/vite')";

/** The message of whatever tfjs-backend-wasm rejected with (it rejects with plain objects too). */
export function reasonOf(error: unknown): string | undefined {
  if (error == null) return undefined;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? message : String(error);
}

/** The .wasm file tfjs-backend-wasm 4.22 loads for these engine features (its own rule). */
export function wasmFileName(simd: boolean, threads: boolean): string {
  if (simd && threads) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

/**
 * Why `url` is not a WebAssembly file, from what fetching it gives: an error, an HTTP status,
 * or content that does not start with the wasm magic word (typically a dev server's or host's
 * index.html for a path it does not have); undefined when it is one.
 */
export async function whyNotWasm(url: string): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch (error) {
    return `fetching ${url} failed (${reasonOf(error)})`;
  }
  if (!response.ok) return `${url} answered HTTP ${response.status}`;
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (wasmMagic.every((byte, i) => bytes[i] === byte)) return undefined;
  const text = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/\s+/g, ' ').trim();
  const start = text.length > 24 ? `${text.slice(0, 24)}…` : text;
  const type = response.headers.get('content-type') ?? 'no content-type';
  return `${url} is not a .wasm file (${type}, starting "${start}"), which is what a server sends for a file it does not have`;
}

/**
 * The one-line error for a `tf.setBackend('wasm')` that returned false: in a browser it fetches
 * the .wasm file tfjs-backend-wasm wanted and says what is wrong with it; otherwise it passes on
 * tfjs-backend-wasm's own reason.
 */
export async function explainWasmStartFailure(options: {
  readonly wasmPaths: string | Record<string, string> | undefined;
  readonly initError: unknown;
}): Promise<string> {
  const prefix = "@cnnkit/wasm-kernels: the 'wasm' backend did not start";
  const reason = reasonOf(options.initError) ?? 'tfjs-backend-wasm gave no reason';
  const location = (globalThis as { location?: { href: string } }).location;
  if (tf.env().getBool('IS_NODE') || location == null || typeof fetch !== 'function') {
    return (
      `${prefix} (${reason}). Install @tensorflow/tfjs-core and @tensorflow/tfjs-backend-wasm ` +
      `${supportedTfjsVersion}.x together, with tfjs-backend-wasm's dist/*.wasm files.`
    );
  }
  const [simd, threads] = await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  ]);
  const file = wasmFileName(simd === true, threads === true);
  const { wasmPaths } = options;
  if (typeof wasmPaths === 'object' && wasmPaths[file] == null) {
    return `${prefix}: wasmPaths has no URL for ${file}. ${serveTheFiles}.`;
  }
  const url =
    typeof wasmPaths === 'object'
      ? new URL(wasmPaths[file] as string, location.href).href
      : new URL(`${wasmPaths ?? ''}${file}`, location.href).href;
  const problem = await whyNotWasm(url);
  if (problem == null) return `${prefix} although ${url} is a .wasm file: ${reason}.`;
  const guess =
    wasmPaths == null
      ? ` (without wasmPaths tfjs-backend-wasm looks for ${file} next to the script that loaded it, which after bundling is usually not where the file is)`
      : '';
  return `${prefix}: ${problem}${guess}. ${serveTheFiles}.`;
}
