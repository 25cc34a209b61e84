/** The file system failures a user can fix (a full disk, permissions), with what to say. */
const problems: Record<string, { readonly what: string; readonly fix: string }> = {
  ENOSPC: { what: 'no space left on the device', fix: 'free some space' },
  EDQUOT: { what: 'disk quota exceeded', fix: 'free some space' },
  EROFS: { what: 'the file system is read-only', fix: 'use a writable directory' },
  EACCES: {
    what: 'permission denied',
    fix: 'use a directory you may write to, or change its permissions',
  },
  EPERM: {
    what: 'operation not permitted',
    fix: 'use a directory you may write to, or change its permissions',
  },
  ENOENT: { what: 'no such file or directory', fix: 'check the path' },
  ENOTDIR: { what: 'a part of the path is a file, not a directory', fix: 'check the path' },
  EEXIST: { what: 'already exists and is not a directory', fix: 'choose another path' },
  EISDIR: { what: 'is a directory', fix: 'choose another path' },
  EIO: {
    what: 'input/output error (a failing disk or network file system?)',
    fix: 'check the disk',
  },
};

/** Whether `error` is a file system failure with a code {@link describeFileSystemError} knows. */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && code in problems;
}

/**
 * One line for a file system failure: `<path>: <what went wrong> (<code>) while <doing>;
 * <fix>`. `path` names the file or directory the user knows about when the error itself has
 * none (a write through a file handle) or names an internal temporary file.
 */
export function describeFileSystemError(
  error: NodeJS.ErrnoException,
  context: { readonly path?: string; readonly doing?: string; readonly afterwards?: string } = {},
): string {
  const code = error.code ?? 'EIO';
  const problem = problems[code] ?? { what: error.message, fix: 'check the path' };
  const path = context.path ?? error.path ?? 'a file';
  const doing = context.doing ? ` while ${context.doing}` : '';
  const afterwards = context.afterwards ? `, then ${context.afterwards}` : '';
  return `${path}: ${problem.what} (${code})${doing}; ${problem.fix}${afterwards}.`;
}
