/**
 * An error the user can fix (a bad file, a missing download): printed as one line, no stack
 * trace, exit code 1.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}

/** Flags that cannot go together: printed as one line, exit code 2 like other bad flags. */
export class UsageError extends UserError {
  override readonly name: string = 'UsageError';
}

/** Exit codes, as documented in the README. */
export const exitCodes = {
  ok: 0,
  userError: 1,
  usage: 2,
  interrupted: 130,
} as const;
