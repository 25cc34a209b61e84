// `pnpm cnnkit …` from the repo root: build the CLI and the packages it uses (a turbo cache
// hit when nothing changed), then run it with the caller's arguments, in the directory the
// caller ran pnpm from. turbo's output is kept back: nothing is printed when nothing needs
// building, one line on stderr when something does, and everything turbo said if it fails,
// so that `pnpm cnnkit train --json > metrics.json` stays clean.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// NO_COLOR (https://no-color.org): any non-empty value turns colour off.
const color = !process.env.NO_COLOR && process.stderr.isTTY;

/** @returns {Promise<{ ok: boolean, output: Buffer[] }>} */
function build() {
  return new Promise((resolve) => {
    const turbo = spawn(
      'pnpm',
      [
        'exec',
        'turbo',
        'run',
        'build',
        '--filter=@cnnkit/cli...',
        '--output-logs=new-only',
        '--log-order=stream',
        '--log-prefix=none',
        color ? '--color' : '--no-color',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    /** @type {Buffer[]} */
    const output = [];
    let announced = false;
    /** @param {Buffer} chunk */
    const collect = (chunk) => {
      output.push(chunk);
      // turbo prints "cache miss, executing <hash>" before a task it has to run.
      if (!announced && /cache miss/.test(chunk.toString())) {
        announced = true;
        process.stderr.write('cnnkit: building cnnkit (first run takes about a minute)…\n');
      }
    };
    turbo.stdout.on('data', collect);
    turbo.stderr.on('data', collect);
    turbo.on('error', (error) =>
      resolve({ ok: false, output: [Buffer.from(`${error.message}\n`)] }),
    );
    turbo.on('close', (code) => resolve({ ok: code === 0, output }));
  });
}

const built = await build();
if (!built.ok) {
  for (const chunk of built.output) process.stderr.write(chunk);
  process.stderr.write('cnnkit: building the CLI failed (see the output above).\n');
  process.exit(1);
}
const cli = spawn(process.execPath, [`${root}apps/cli/dist/bin.js`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  // pnpm runs root scripts in the root; paths on the command line are the caller's.
  cwd: process.env.INIT_CWD ?? process.cwd(),
  // Hints such as "continue with: … train --resume <dir>" name the command that works here.
  env: { ...process.env, CNNKIT_INVOCATION: 'pnpm cnnkit' },
});
// Ctrl-C reaches the CLI directly (same process group); it writes a checkpoint before it
// exits, so this wrapper waits for it instead of dying first.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (signal === 'SIGTERM') cli.kill(signal);
  });
}
cli.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
