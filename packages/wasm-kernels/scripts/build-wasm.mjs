// Compiles assembly/kernels.ts (AssemblyScript) into the SIMD kernel module, four times:
// importing an ordinary memory (the wasm backend's single-threaded builds) or a shared one (its
// multi-threaded build), each with plain and with relaxed SIMD. Writes them as base64 into src/simd/kernels-wasm.generated.ts, so the
// package loads them the same way in Node, bundlers and browsers (no .wasm asset URLs).
//   node scripts/build-wasm.mjs          regenerate the module
//   node scripts/build-wasm.mjs --check  exit 1 if the committed module is out of date
// The committed file is what ships; src/simd/kernels-wasm.test.ts recompiles and compares.
import { readFile, writeFile } from 'node:fs/promises';
import { compileKernels, generatedModulePath, renderGeneratedModule } from './compile-kernels.mjs';

const variants = await compileKernels();
const source = renderGeneratedModule(variants);
if (process.argv.includes('--check')) {
  const committed = await readFile(generatedModulePath, 'utf8').catch(() => '');
  if (committed !== source) {
    console.error(
      'src/simd/kernels-wasm.generated.ts is out of date with assembly/kernels.ts: run `pnpm --filter @cnnkit/wasm-kernels build:wasm` and commit it.',
    );
    process.exit(1);
  }
  console.log('src/simd/kernels-wasm.generated.ts is up to date.');
} else {
  await writeFile(generatedModulePath, source);
  console.log(
    `wrote ${generatedModulePath.pathname} (${Object.entries(variants)
      .map(([name, bytes]) => `${name} ${bytes.length}`)
      .join(', ')} bytes of wasm)`,
  );
}
