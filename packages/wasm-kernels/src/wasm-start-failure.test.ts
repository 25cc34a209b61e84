import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { explainWasmStartFailure, wasmFileName, whyNotWasm } from './wasm-start-failure.js';

// A host like a dev server or an SPA host: the real .wasm under /wasm/, a 404 under /missing/,
// and index.html for every other path.
let server: Server;
let origin: string;

beforeAll(async () => {
  const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  const wasm = await readFile(join(dist, 'tfjs-backend-wasm-simd.wasm'));
  server = createServer((request, response) => {
    if (request.url === '/wasm/tfjs-backend-wasm-simd.wasm') {
      response.writeHead(200, { 'content-type': 'application/wasm' }).end(wasm);
    } else if (request.url?.startsWith('/missing/')) {
      response.writeHead(404).end();
    } else {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html>\n<html><head><title>App</title></head></html>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('whyNotWasm', () => {
  it('accepts a .wasm file', async () => {
    expect(await whyNotWasm(`${origin}/wasm/tfjs-backend-wasm-simd.wasm`)).toBeUndefined();
  });

  it('names a web page served instead, by its content type and first characters', async () => {
    expect(await whyNotWasm(`${origin}/tfjs-backend-wasm-simd.wasm`)).toBe(
      `${origin}/tfjs-backend-wasm-simd.wasm is not a .wasm file (text/html, starting ` +
        '"<!doctype html> <html><h…"), which is what a server sends for a file it does not have',
    );
  });

  it('names the HTTP status and a failed fetch', async () => {
    expect(await whyNotWasm(`${origin}/missing/x.wasm`)).toBe(
      `${origin}/missing/x.wasm answered HTTP 404`,
    );
    expect(await whyNotWasm('http://127.0.0.1:1/x.wasm')).toMatch(
      /^fetching http:\/\/127\.0\.0\.1:1\/x\.wasm failed \(/,
    );
  });
});

describe('explainWasmStartFailure in a browser', () => {
  // What a browser without threads looks like to tfjs-backend-wasm: it loads the SIMD build.
  beforeAll(() => {
    tf.env().set('IS_NODE', false);
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    vi.stubGlobal('location', { href: `${origin}/app/index.html` });
  });
  afterAll(() => {
    tf.env().reset();
    vi.unstubAllGlobals();
  });
  const fix =
    "Serve tfjs-backend-wasm's .wasm files (node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm) " +
    'and pass their location as wasmPaths to startWasmTraining() (see the README of ' +
    "@cnnkit/wasm-kernels; with Vite: the cnnkitWasm() plugin of '@cnnkit/wasm-kernels/vite').";
  const prefix = "@cnnkit/wasm-kernels: the 'wasm' backend did not start";

  it('fetches the file tfjs-backend-wasm wanted and says it got a web page, and the fix', async () => {
    const message = await explainWasmStartFailure({ wasmPaths: '/', initError: undefined });
    expect(message).toBe(
      `${prefix}: ${origin}/tfjs-backend-wasm-simd.wasm is not a .wasm file (text/html, starting ` +
        '"<!doctype html> <html><h…"), which is what a server sends for a file ' +
        `it does not have. ${fix}`,
    );
  });

  it('without wasmPaths, says where tfjs-backend-wasm looked', async () => {
    const message = await explainWasmStartFailure({ wasmPaths: undefined, initError: undefined });
    expect(message).toContain(`${origin}/app/tfjs-backend-wasm-simd.wasm is not a .wasm file`);
    expect(message).toContain(
      'without wasmPaths tfjs-backend-wasm looks for tfjs-backend-wasm-simd.wasm next to the script that loaded it',
    );
    expect(message.endsWith(fix)).toBe(true);
  });

  it('names a file the wasmPaths map lacks', async () => {
    const wasmPaths = { 'tfjs-backend-wasm.wasm': '/wasm/tfjs-backend-wasm.wasm' };
    expect(await explainWasmStartFailure({ wasmPaths, initError: undefined })).toBe(
      `${prefix}: wasmPaths has no URL for tfjs-backend-wasm-simd.wasm. ${fix}`,
    );
  });

  it("passes on tfjs-backend-wasm's reason when the file is fine", async () => {
    const wasmPaths = { 'tfjs-backend-wasm-simd.wasm': '/wasm/tfjs-backend-wasm-simd.wasm' };
    const initError = { message: 'Aborted(CompileError: out of memory)' };
    expect(await explainWasmStartFailure({ wasmPaths, initError })).toBe(
      `${prefix} although ${origin}/wasm/tfjs-backend-wasm-simd.wasm is a .wasm file: ` +
        'Aborted(CompileError: out of memory).',
    );
  });
});

it('picks the file tfjs-backend-wasm 4.22 loads for the engine features', () => {
  expect(wasmFileName(true, true)).toBe('tfjs-backend-wasm-threaded-simd.wasm');
  expect(wasmFileName(true, false)).toBe('tfjs-backend-wasm-simd.wasm');
  expect(wasmFileName(false, false)).toBe('tfjs-backend-wasm.wasm');
});
