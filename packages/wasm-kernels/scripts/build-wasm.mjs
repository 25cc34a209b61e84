// @ts-check
// Compiles assembly/*.ts (AssemblyScript) into the SIMD kernel module, four times: importing an
// ordinary memory (the wasm backend's single-threaded builds) or a shared one (its
// multi-threaded build), each with plain and with relaxed SIMD. Writes them as base64 into
// src/simd/kernels-wasm.generated.ts, so the package loads them the same way in Node, bundlers
// and browsers (no .wasm asset URLs), and writes the kernels' TypeScript binding, generated from
// their AssemblyScript signatures, into src/simd/simd-kernel-bindings.generated.ts.
//   node scripts/build-wasm.mjs          regenerate both files
//   node scripts/build-wasm.mjs --check  exit 1 if a committed file is out of date
// The committed files are what ships; src/simd/kernels-wasm.test.ts regenerates and compares.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderGeneratedFiles } from './compile-kernels.mjs';

const packageRoot = fileURLToPath(new URL('../', import.meta.url));
const check = process.argv.includes('--check');
let stale = false;
for (const [path, source] of await renderGeneratedFiles()) {
  const name = fileURLToPath(path).slice(packageRoot.length);
  if (check) {
    const committed = await readFile(path, 'utf8').catch(() => '');
    if (committed !== source) {
      console.error(
        `${name} is out of date with assembly/*.ts: run \`pnpm --filter @cnnkit/wasm-kernels build:wasm\` and commit it.`,
      );
      stale = true;
    } else {
      console.log(`${name} is up to date.`);
    }
  } else {
    await writeFile(path, source);
    console.log(`wrote ${name} (${source.length} characters)`);
  }
}
if (stale) process.exit(1);
