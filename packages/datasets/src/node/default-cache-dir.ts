import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where cnnkit keeps downloaded data: `$CNNKIT_CACHE_DIR` when set, else the platform's user
 * cache directory: `$XDG_CACHE_HOME/cnnkit` or `~/.cache/cnnkit` on Linux,
 * `~/Library/Caches/cnnkit` on macOS, `%LOCALAPPDATA%\cnnkit` on Windows.
 *
 * @example
 * ```ts
 * defaultCacheDir(); // e.g. '/home/ada/.cache/cnnkit'
 * ```
 */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.CNNKIT_CACHE_DIR) return env.CNNKIT_CACHE_DIR;
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'cnnkit');
  if (platform === 'win32') {
    return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'cnnkit');
  }
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'cnnkit');
}
