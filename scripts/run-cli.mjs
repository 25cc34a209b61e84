// `pnpm cnnkit …` from the repo root: build the CLI and the packages it uses (a turbo cache
// hit when nothing changed), then run it with the caller's arguments. Build output goes to
// stderr so that `pnpm cnnkit train --json > metrics.json` stays clean.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = spawnSync(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'build',
    '--filter=@cnnkit/cli...',
    '--output-logs=errors-only',
    '--log-prefix=none',
  ],
  { cwd: root, stdio: ['ignore', 2, 2] },
);
if (build.status !== 0) {
  console.error('cnnkit: building the CLI failed (see the output above).');
  process.exit(build.status ?? 1);
}
const cli = spawn(process.execPath, [`${root}apps/cli/dist/bin.js`, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// Ctrl-C reaches the CLI directly (same process group); it writes a checkpoint before it
// exits, so this wrapper waits for it instead of dying first.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (signal === 'SIGTERM') cli.kill(signal);
  });
}
cli.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
