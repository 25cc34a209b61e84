// @ts-check
// Runs the README's Node app as a user does (`node train.mjs` in its directory) and checks
// what it prints: a sane test accuracy and nothing at all on stderr.
// Usage: node run-node-app.mjs <dir> <script>
import { spawnSync } from 'node:child_process';
import { saneTestAccuracy } from './test-accuracy.mjs';

const [dir, script] = process.argv.slice(2);
if (!dir || !script) throw new Error('usage: node run-node-app.mjs <dir> <script>');

const started = performance.now();
const run = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' });
const seconds = (performance.now() - started) / 1000;
const lines = run.stdout.trim().split('\n');
for (const line of lines) console.log(`node ${script}: ${line}`);
if (run.status !== 0 || run.stderr !== '') {
  throw new Error(`node ${script} exited ${run.status} with stderr:\n${run.stderr}`);
}
const accuracy = saneTestAccuracy(lines, `node ${script}`);
console.log(
  `test accuracy ${accuracy} % (sane), stderr empty, ${seconds.toFixed(1)} s (Node ${process.version})`,
);
