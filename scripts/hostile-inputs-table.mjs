// Prints the hostile-inputs suite's measured runs as a Markdown table: one row per `cnnkit`
// run, from the JSON lines the suite appends when CNNKIT_HOSTILE_REPORT names a file.
//   CNNKIT_HOSTILE_REPORT=/tmp/hostile.jsonl pnpm --filter @cnnkit/cli exec vitest run src/hostile-inputs
//   node scripts/hostile-inputs-table.mjs /tmp/hostile.jsonl
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/hostile-inputs-table.mjs <report.jsonl>');
  process.exit(2);
}

/** @type {{test: string, args: string[], code: number | null, signal: string | null, peakRssBytes: number | null, seconds: number, message: string}[]} */
const runs = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));

/** @param {string} text */
const cell = (text) => text.replaceAll('|', '\\|');
/** @param {number | null} bytes */
const megabytes = (bytes) => (bytes === null ? 'killed' : `${Math.round(bytes / 2 ** 20)} MB`);

console.log('| test | command | exit | peak RSS | time | first message line |');
console.log('| --- | --- | ---: | ---: | ---: | --- |');
for (const run of runs) {
  const exit = run.signal ?? String(run.code);
  const message = run.message.length > 110 ? `${run.message.slice(0, 107)}…` : run.message;
  console.log(
    `| ${cell(run.test)} | \`${cell(run.args[0] ?? '')}\` | ${exit} | ${megabytes(run.peakRssBytes)} | ${run.seconds} s | ${cell(message)} |`,
  );
}
