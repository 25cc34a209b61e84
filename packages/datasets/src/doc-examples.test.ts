import { describeDocExamples } from '@cnnkit/build-config/doc-examples';

// What the examples refer to, made in each example's fresh directory: a ten-image CIFAR-10 in
// the official layout as `cifar-10-batches-bin/`, `cifar-10-binary.tar.gz` (also served over
// HTTP as `archiveUrl`) and `tarBytes`; `train` and `test` read from it; an empty cache.
// Examples that download get that local server as their mirror instead of the official URL.
// Image folders: \`photos/\` with three PNGs of a cat and three of a dog, \`photos.zip\` of it, and
// \`pngBytes\`, one of those PNGs.
const context = `
  import { createHash } from 'node:crypto';
  import sharp from 'sharp';
  import { zipSync } from 'fflate';
  import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
  import { createServer } from 'node:http';
  import * as tar from 'tar';
  const { downloadCifar10: downloadFromOfficialUrl } = globalThis;
  process.env.CNNKIT_CACHE_DIR = 'cache';
  mkdirSync('cifar-10-batches-bin');
  const images = new Uint8Array(10 * 32 * 32 * 3).map((_, i) => i % 251);
  const labels = Uint8Array.from({ length: 10 }, (_, i) => i);
  for (const name of [1, 2, 3, 4, 5].map((i) => 'data_batch_' + i + '.bin').concat('test_batch.bin'))
    writeFileSync('cifar-10-batches-bin/' + name, encodeCifar10Batch(images, labels));
  writeFileSync('cifar-10-batches-bin/batches.meta.txt', CIFAR10_CLASS_NAMES.join('\\n') + '\\n');
  await tar.c({ file: 'cifar-10-binary.tar', portable: true }, ['cifar-10-batches-bin']);
  await tar.c({ file: 'cifar-10-binary.tar.gz', gzip: true, portable: true }, ['cifar-10-batches-bin']);
  const tarBytes = new Uint8Array(readFileSync('cifar-10-binary.tar'));
  const archive = readFileSync('cifar-10-binary.tar.gz');
  const server = createServer((request, response) => response.end(archive));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const archiveUrl = 'http://127.0.0.1:' + server.address().port + '/cifar-10-binary.tar.gz';
  const downloadCifar10 = (options) =>
    downloadFromOfficialUrl({
      ...options,
      url: archiveUrl,
      md5: createHash('md5').update(archive).digest('hex'),
      size: archive.length,
    });
  const { train, test } = await readCifar10Directory('cifar-10-batches-bin');
  const zipped = {};
  for (const [name, colour] of [['cat', [200, 120, 40]], ['dog', [40, 160, 200]]]) {
    mkdirSync('photos/' + name, { recursive: true });
    for (const i of [1, 2, 3]) {
      const png = await sharp({ create: { width: 40 + i, height: 30, channels: 3, background: { r: colour[0], g: colour[1], b: colour[2] + i } } }).png().toBuffer();
      writeFileSync('photos/' + name + '/' + i + '.png', png);
      zipped['photos/' + name + '/' + i + '.png'] = new Uint8Array(png);
    }
  }
  writeFileSync('photos.zip', zipSync(zipped));
  const pngBytes = new Uint8Array(readFileSync('photos/cat/1.png'));
`;

describeDocExamples(new URL('..', import.meta.url), {
  entries: ['@cnnkit/datasets', '@cnnkit/datasets/node'],
  context,
});
