import { CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { createProgram } from './cli-program.js';
import { commandHandlers } from './commands.js';
import { describeFileSystemError, isFileSystemError } from './file-system-errors.js';
import { exitCodes, UsageError, UserError } from './user-errors.js';

async function main(argv: string[]): Promise<number> {
  const program = createProgram(packageJson.version, commandHandlers);
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? exitCodes.ok : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end parsing with an "error" that is a success.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
        return exitCodes.ok;
      }
      return exitCodes.usage;
    }
    if (error instanceof UserError) {
      process.stderr.write(`cnnkit: ${error.message}\n`);
      return error instanceof UsageError ? exitCodes.usage : exitCodes.userError;
    }
    // A full disk or a permission problem that no command explained better: still one line.
    if (isFileSystemError(error)) {
      process.stderr.write(`cnnkit: ${describeFileSystemError(error)}\n`);
      return exitCodes.userError;
    }
    throw error;
  }
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`cnnkit: internal error, please report it with this output:\n`);
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(70);
  },
);
