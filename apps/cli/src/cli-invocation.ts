/**
 * The command the user typed to run cnnkit, for messages that tell them what to run next: in a
 * clone it is the root package's `pnpm cnnkit` script (pnpm passes the script's name on in
 * `npm_lifecycle_event`), where `cnnkit` is not on the PATH; else the installed `cnnkit` bin.
 */
export function cnnkitCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_lifecycle_event === 'cnnkit' ? 'pnpm cnnkit' : 'cnnkit';
}
