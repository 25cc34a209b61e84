import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CLI_BIN = fileURLToPath(new URL('../../../cli/dist/bin.js', import.meta.url));

/** Runs the built `cnnkit` CLI and parses its `--json` output. */
export async function cnnkitJson<T>(args: readonly string[]): Promise<T> {
  if (!existsSync(CLI_BIN)) {
    throw new Error(`${CLI_BIN} is missing: run \`pnpm --filter @cnnkit/cli build\` first.`);
  }
  const { stdout } = await run(process.execPath, [CLI_BIN, ...args, '--json'], {
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, CNNKIT_CACHE_DIR: '/nonexistent-cnnkit-e2e-cache' },
  });
  return JSON.parse(stdout) as T;
}
