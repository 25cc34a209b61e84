// @ts-check
// Decode throughput of image folders in Node (BENCHMARKS.md, "Decoding image folders"): reads a
// folder of JPEGs with @cnnkit/datasets' readImageFolder (sharp on every core, SHA-256 of each
// file, the decoded-image cache on disk) twice, each time in a fresh process so that its peak
// RSS is its own: cold (an empty cache: every image decoded and written to the cache) and
// cached (the same folder again: every image read and hashed, none decoded).
//
//   pnpm turbo run build --filter @cnnkit/datasets... && \
//   node scripts/bench-image-decode.mjs <dir> [--images 10000] [--image-size 32] [--from <cifar>]
//
// When <dir> does not exist it is made first: --images JPEGs of 500×375 (PASCAL VOC's typical
// photo size; quality 90) in 10 class folders, each a CIFAR-10 image (from --from, a
// cifar-10-binary.tar.gz; default the embedded sample) scaled up with a seeded noise texture
// over it, so that files are all different (the cache is keyed by content) and about the size
// of photos. The decoded-image cache goes to <dir>.cache/ and is emptied before the cold run.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { openCifar10, readImageFolder } from '@cnnkit/datasets/node';
import { Rng } from '@cnnkit/random';
import sharp from 'sharp';

const WIDTH = 500;
const HEIGHT = 375;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    images: { type: 'string', default: '10000' },
    'image-size': { type: 'string', default: '32' },
    from: { type: 'string' },
    phase: { type: 'string' },
  },
});
const [dir] = positionals;
if (!dir) {
  process.stderr.write(
    'usage: node scripts/bench-image-decode.mjs <dir> [--images 10000] [--image-size 32] [--from cifar-10-binary.tar.gz]\n',
  );
  process.exit(2);
}
const imageSize = Number(values['image-size']);
const cacheDir = `${dir}.cache`;

if (values.phase) {
  // A child: read the folder once and print what it took.
  const started = performance.now();
  const data = await readImageFolder(dir, { imageSize, cacheDir });
  const seconds = (performance.now() - started) / 1000;
  const images = data.train.count + data.test.count;
  process.stdout.write(
    `${JSON.stringify({
      images,
      seconds,
      fromCache: data.report.fromCache,
      skipped: data.report.skipped.length,
      // resourceUsage().maxRSS is in kibibytes.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    })}\n`,
  );
  process.exit(0);
}

/**
 * A noise texture twice the image's size; each image takes a window of it at its own offset.
 * Sum of four uniforms: roughly Gaussian, standard deviation about 18 levels.
 */
function noiseTexture(rng = new Rng(0)) {
  const texture = new Int8Array(WIDTH * 2 * HEIGHT * 2 * 3);
  for (let i = 0; i < texture.length; i++) {
    texture[i] = Math.round((rng.float() + rng.float() + rng.float() + rng.float() - 2) * 32);
  }
  return texture;
}

/**
 * @param {string} root
 * @param {number} count
 * @param {string} source
 */
async function makeJpegFolder(root, count, source) {
  const { train } = await openCifar10(source);
  const texture = noiseTexture();
  const rng = new Rng(1);
  const plane = 32 * 32 * 3;
  for (const name of train.classNames) await mkdir(join(root, name), { recursive: true });
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const k = i % train.count;
      const small = train.images.subarray(k * plane, (k + 1) * plane);
      const pixels = await sharp(small, { raw: { width: 32, height: 32, channels: 3 } })
        .resize(WIDTH, HEIGHT, { fit: 'fill', kernel: 'cubic' })
        .raw()
        .toBuffer();
      const left = rng.int(WIDTH);
      const top = rng.int(HEIGHT);
      for (let y = 0; y < HEIGHT; y++) {
        const row = ((top + y) * WIDTH * 2 + left) * 3;
        for (let x = 0; x < WIDTH * 3; x++) {
          const p = y * WIDTH * 3 + x;
          pixels[p] = Math.max(0, Math.min(255, (pixels[p] ?? 0) + (texture[row + x] ?? 0)));
        }
      }
      const jpeg = await sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
        .jpeg({ quality: 90 })
        .toBuffer();
      bytes += jpeg.length;
      const label = /** @type {number} */ (train.labels[k]);
      const name = /** @type {string} */ (train.classNames[label]);
      await writeFile(join(root, name, `${String(i).padStart(5, '0')}.jpg`), jpeg);
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() * 2 }, worker));
  return bytes;
}

/** @param {string} root */
async function folderBytes(root) {
  let files = 0;
  let bytes = 0;
  for (const name of await readdir(root, { recursive: true })) {
    const info = await stat(join(root, name));
    if (info.isFile()) {
      files++;
      bytes += info.size;
    }
  }
  return { files, bytes };
}

/** @param {'cold' | 'cached'} phase */
function run(phase) {
  const child = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      dir ?? '',
      '--image-size',
      String(imageSize),
      '--phase',
      phase,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.status !== 0) throw new Error(`the ${phase} run failed (exit code ${child.status})`);
  return JSON.parse(child.stdout);
}

if (!existsSync(dir)) {
  const count = Number(values.images);
  const source = values.from ?? cifar10SamplePath();
  process.stderr.write(`writing ${count} JPEGs of ${WIDTH}×${HEIGHT} to ${dir}…\n`);
  const started = performance.now();
  await makeJpegFolder(dir, count, source);
  process.stderr.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
} else if (!statSync(dir).isDirectory()) {
  throw new Error(
    `${dir}: not a folder; give a folder of class folders, or a new path to make one.`,
  );
}
const folder = await folderBytes(dir);
await rm(cacheDir, { recursive: true, force: true });
const cold = run('cold');
const cached = run('cached');
if (cold.fromCache !== 0 || cached.fromCache !== cached.images) {
  throw new Error(
    `expected a cold run without the cache and a cached run entirely from it; got ${cold.fromCache} and ${cached.fromCache} of ${cached.images} from the cache`,
  );
}
const mb = (/** @type {number} */ b) => `${(b / 1e6).toFixed(0)} MB`;
const row = (/** @type {string} */ label, /** @type {typeof cold} */ r) =>
  `| ${label} | ${r.images.toLocaleString('en-US')} | ${r.seconds.toFixed(1)} s | **${Math.round(r.images / r.seconds).toLocaleString('en-US')}** | ${mb(r.peakRssBytes)} |`;
const versions = /** @type {Record<string, string>} */ (sharp.versions);
console.log(
  [
    `Folder: ${folder.files.toLocaleString('en-US')} files, ${(folder.bytes / 1e6).toFixed(1)} MB (mean ${Math.round(folder.bytes / folder.files / 1000)} kB), decoded to ${imageSize}×${imageSize} (shorter-side).`,
    '',
    '| run | images | time | images/s | peak RSS |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('cold (decode with sharp, write the cache)', cold),
    row('cached (read and hash, no decoding)', cached),
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} logical cores; Node ${process.version}, sharp ${versions.sharp}, libvips ${versions.vips}.`,
  ].join('\n'),
);
