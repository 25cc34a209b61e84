import { defaultCacheDir, findCachedCifar10 } from '@cnnkit/datasets/node';
import * as tf from '@tensorflow/tfjs-core';
import packageJson from '../../package.json' with { type: 'json' };
import { availableBackends, NOT_INSTALLED } from '../backend.js';
import type { InfoOptions } from '../cli-program.js';
import { loadData } from '../data-source.js';
import { describeSplit } from '../image-folder-report.js';
import { plural } from '../plural.js';

const notify = (line: string) => process.stderr.write(`cnnkit: ${line}\n`);

/**
 * `cnnkit info --data <path>`: the data's classes with their training and validation counts,
 * the split, the image size, and every file left out with the reason. Decoding an image folder
 * here fills the decoded-image cache that `train` then reads.
 */
async function describeData(options: InfoOptions): Promise<void> {
  const loaded = await loadData({
    data: options.data,
    cacheDir: options.cacheDir,
    image: {
      imageSize: options.imageSize,
      resize: options.resize,
      valSplit: options.valSplit,
      strict: options.strict,
    },
    use: 'training',
    // Skipped files are listed below in full; keep stderr for progress and real notices.
    notify: (line) => {
      if (!line.startsWith('skipped ')) notify(line);
    },
  });
  const { train, test } = loaded.data;
  const classNames = train.classNames;
  const count = (labels: Uint8Array) => {
    const n = classNames.map(() => 0);
    for (const label of labels) n[label] = (n[label] as number) + 1;
    return n;
  };
  const report = loaded.report;
  const classes = report
    ? report.classes
    : (() => {
        const trainCounts = count(train.labels);
        const testCounts = count(test.labels);
        return classNames.map((name, i) => ({
          name,
          train: trainCounts[i] as number,
          val: testCounts[i] as number,
        }));
      })();
  const description = {
    data: loaded.source,
    kind: loaded.kind,
    classNames,
    classes,
    trainImages: train.count,
    valImages: test.count,
    imageSize: [train.height, train.width, train.channels],
    ...(loaded.image ? { resize: loaded.image.resize } : {}),
    split: report ? report.split : { kind: 'cifar10-test-set' },
    ...(report
      ? {
          skipped: report.skipped,
          hiddenFiles: report.hiddenFiles,
          notices: report.notices,
          fromCache: report.fromCache,
        }
      : {}),
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(description)}\n`);
    return;
  }
  const width = Math.max(5, ...classNames.map((n) => n.length));
  const lines = [
    `${loaded.source}: ${loaded.kind === 'cifar10' ? 'CIFAR-10 (binary format)' : 'image folder'}, ${plural(classNames.length, 'class', 'classes')}, ${train.height}×${train.width} RGB${loaded.image ? ` (${loaded.image.resize})` : ''}`,
    `split: ${report ? describeSplit(report) : 'the official training and test files'}`,
    `  ${'class'.padEnd(width)}  ${'train'.padStart(7)}  ${(report ? 'val' : 'test').padStart(7)}`,
    ...classes.map(
      (c) =>
        `  ${c.name.padEnd(width)}  ${c.train.toLocaleString('en-US').padStart(7)}  ${c.val.toLocaleString('en-US').padStart(7)}`,
    ),
    `  ${'total'.padEnd(width)}  ${train.count.toLocaleString('en-US').padStart(7)}  ${test.count.toLocaleString('en-US').padStart(7)}`,
  ];
  if (report) {
    lines.push(
      report.skipped.length === 0
        ? 'skipped: none'
        : `skipped ${plural(report.skipped.length, 'file')} that cannot be used:`,
      ...report.skipped.map((s) => `  ${s.path}: ${s.reason}`),
    );
    if (report.hiddenFiles > 0) {
      lines.push(
        `ignored ${plural(report.hiddenFiles, 'hidden or system file')} (.DS_Store, __MACOSX, Thumbs.db, …)`,
      );
    }
    lines.push(
      `decoded images are cached (${plural(report.fromCache, 'image')} of ${(train.count + test.count).toLocaleString('en-US')} came from the cache)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** How to get the native backend, which is an optional peer dependency the user installs. */
function tensorflowAdvice(reason: string | undefined): string[] {
  const indent = ' '.repeat(13);
  if (reason !== NOT_INSTALLED) {
    return [`${indent}repair it with \`npm rebuild @tensorflow/tfjs-node\` (needs internet)`];
  }
  return [
    `${indent}to use libtensorflow, install @tensorflow/tfjs-node 4.22.0 (needs internet):`,
    `${indent}  npm install @tensorflow/tfjs-node@4.22.0        next to an installed cnnkit`,
    `${indent}  pnpm add -w @tensorflow/tfjs-node@4.22.0        in a clone of cnnkit`,
  ];
}

/** `cnnkit info`: what runs here — backends, data cache, versions; or what `--data` holds. */
export async function infoCommand(options: InfoOptions): Promise<void> {
  if (options.data !== undefined) {
    await describeData(options);
    return;
  }
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cached = await findCachedCifar10(cacheDir);
  const backends = await availableBackends();
  const info = {
    cnnkit: packageJson.version,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    tfjsCore: tf.version_core,
    backends,
    cacheDir,
    cifar10: cached,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(info)}\n`);
    return;
  }
  const lines = [
    `cnnkit ${info.cnnkit}, Node ${info.node} (${info.platform}), tfjs-core ${info.tfjsCore}`,
    'backends:',
    ...backends.flatMap((b) => [
      `  ${b.name.padEnd(10)} ${b.ok ? 'ok' : 'unavailable'}${b.detail ? `  ${b.detail}` : ''}`,
      ...(b.name === 'tensorflow' && !b.ok ? tensorflowAdvice(b.reason) : []),
    ]),
    `data cache: ${cacheDir}`,
    `  CIFAR-10: ${cached ?? 'not downloaded (cnnkit download)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
