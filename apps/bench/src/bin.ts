// `pnpm bench`: times cnnkit against PyTorch and prints the table (or --json). Progress goes
// to stderr so that `pnpm --silent bench --json > result.json` stays clean. Exit codes: 0 done,
// 1 the benchmark failed (message on stderr), 2 bad flags (with usage).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, UsageError, usage } from './bench-options.js';
import { formatMarkdownReport, formatTextReport } from './report.js';
import { runBench } from './run-bench.js';
import { runTimeToAccuracy } from './time-to-accuracy.js';
import { parseTimeToAccuracyArgs, timeToAccuracyUsage } from './time-to-accuracy-options.js';
import {
  formatTimeToAccuracyMarkdown,
  formatTimeToAccuracyText,
} from './time-to-accuracy-report.js';

// The shared data sit beside the repository: <repo>/../shared/data (dist/bin.js is three
// levels below the repo root).
const defaultData = fileURLToPath(
  new URL('../../../../shared/data/cifar-10-binary.tar.gz', import.meta.url),
);

/** `pnpm bench --time-to-accuracy`: the fast recipe trained by cnnkit and PyTorch. */
async function timeToAccuracy(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseTimeToAccuracyArgs>;
  try {
    options = parseTimeToAccuracyArgs(argv, { defaultData });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${timeToAccuracyUsage}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${timeToAccuracyUsage}\n`);
    return 0;
  }
  const result = await runTimeToAccuracy(options, {
    log: (line) => process.stderr.write(`bench: ${line}\n`),
    command: ['pnpm bench', ...argv].join(' '),
  });
  process.stdout.write(
    options.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : `\n${formatTimeToAccuracyText(result)}\n`,
  );
  if (options.markdown !== undefined) {
    await writeFile(options.markdown, formatTimeToAccuracyMarkdown(result));
    process.stderr.write(`bench: wrote ${options.markdown}\n`);
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--time-to-accuracy')) return timeToAccuracy(argv);
  let options: ReturnType<typeof parseBenchArgs>;
  try {
    options = parseBenchArgs(argv, { defaultData });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${usage}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const result = await runBench(options, {
    log: (line) => process.stderr.write(`bench: ${line}\n`),
    command: ['pnpm bench', ...argv].join(' '),
  });
  process.stdout.write(
    options.json ? `${JSON.stringify(result, null, 2)}\n` : `\n${formatTextReport(result)}\n`,
  );
  if (options.markdown !== undefined) {
    await writeFile(options.markdown, formatMarkdownReport(result));
    process.stderr.write(`bench: wrote ${options.markdown}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
