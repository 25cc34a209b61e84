/**
 * Throws when an archive entry's path could land outside the directory it is extracted to
 * (absolute, drive-letter or containing a `..` segment). We refuse rather than rewrite such
 * paths: an archive that contains them was not made by the CIFAR-10 authors.
 */
export function assertSafeEntryPath(entryPath: string, archiveName: string): void {
  const unified = entryPath.replace(/\\/g, '/');
  const escapes =
    unified.startsWith('/') ||
    /^[a-zA-Z]:/.test(unified) ||
    unified.split('/').some((segment) => segment === '..');
  if (escapes) {
    throw new Error(
      `${archiveName}: refusing archive entry ${JSON.stringify(entryPath)}: its path is absolute or contains "..", so it would be written outside the extraction directory. The archive is not a genuine CIFAR-10 archive; delete it and download it again.`,
    );
  }
}
