// The environment says no: an --out under a file, a directory the user may not write, a
// read-only file system, a full disk. Each must end in one line naming the path and what to do
// (exit 1, no stack trace), and leave the run directory consistent. The read-only and
// full-disk cases mount a small tmpfs, so they run only as root where mount works; the
// trainer's disk-full.test.ts fails every write of a checkpoint and of the log everywhere.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cnnkit, errorLine } from './cnnkit-process.js';

const shortRun = ['--data', 'sample', '--limit', '40', '--batch-size', '8', '--epochs', '1'];
const isRoot = process.getuid?.() === 0;
// As root the EACCES case runs the CLI as nobody, who must be able to run this Node (not so for
// one under root's home, as `npx node@24` installs it): otherwise the case cannot be staged.
const canStageEacces =
  !isRoot ||
  spawnSync(process.execPath, ['-e', ''], { uid: 65534, gid: 65534, cwd: tmpdir() }).status === 0;

const mounted: string[] = [];

function mountTmpfs(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    mounted.push(dir);
    return true;
  } catch {
    return false;
  }
}

const work = mkdtempSync(join(tmpdir(), 'cnnkit-hostile-env-'));
// Others may enter (the permission test runs as another user when root).
chmodSync(work, 0o755);
// Root in a container without CAP_SYS_ADMIN cannot mount: those tests are skipped there.
const probe = join(work, 'probe');
mkdirSync(probe);
const canMount = isRoot && mountTmpfs(probe, 'size=64k');

afterAll(() => {
  for (const dir of mounted.reverse()) execFileSync('umount', [dir], { stdio: 'ignore' });
});

describe('a run directory that cannot be created', () => {
  it('names the path when a part of it is a file', async () => {
    const file = join(work, 'a-file');
    await writeFile(file, 'not a directory');
    const run = await cnnkit(['train', ...shortRun, '--out', join(file, 'run')]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(
      `cnnkit: ${join(file, 'run')}: a part of the path is a file, not a directory (ENOTDIR) while creating the run directory; check the path.`,
    );
  });

  it.runIf(canStageEacces)(
    'names the path when the user may not write there (EACCES)',
    async () => {
      const locked = join(work, 'locked');
      await mkdir(locked, { mode: 0o555 });
      await chmod(locked, 0o555);
      // Root may write anywhere: run as nobody to meet the problem a user meets.
      const run = await cnnkit(
        ['train', ...shortRun, '--out', join(locked, 'run')],
        isRoot ? { uid: 65534, gid: 65534 } : {},
      );
      expect(run.code).toBe(1);
      expect(errorLine(run)).toBe(
        `cnnkit: ${join(locked, 'run')}: permission denied (EACCES) while creating the run directory; use a directory you may write to, or change its permissions.`,
      );
      expect(await readdir(locked)).toEqual([]);
    },
  );

  it.runIf(canMount)('names the path on a read-only file system (EROFS)', async () => {
    const readOnly = join(work, 'read-only');
    await mkdir(readOnly);
    expect(mountTmpfs(readOnly, 'ro,size=64k')).toBe(true);
    const run = await cnnkit(['train', ...shortRun, '--out', join(readOnly, 'run')]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(
      `cnnkit: ${join(readOnly, 'run')}: the file system is read-only (EROFS) while creating the run directory; use a writable directory.`,
    );
  });
});

describe('a full disk (ENOSPC)', () => {
  it.runIf(canMount)(
    'stops with one line, keeps the last checkpoint whole, and resumes once there is room',
    async () => {
      // Room for the settings, the log and one checkpoint (≈ 500 kB), not for a second one.
      const disk = join(work, 'small-disk');
      await mkdir(disk);
      expect(mountTmpfs(disk, 'size=640k')).toBe(true);
      const dir = join(disk, 'run');
      const full = await cnnkit(['train', ...shortRun, '--checkpoint-every', '2', '--out', dir]);
      expect(full.code).toBe(1);
      expect(errorLine(full)).toBe(
        `cnnkit: ${join(dir, 'checkpoint')}: no space left on the device (ENOSPC) while writing a checkpoint; free some space, then continue with \`cnnkit train --resume ${dir}\`.`,
      );
      // On disk: no temporary files, no lock, latest.json names a complete checkpoint.
      const names = await readdir(join(dir, 'checkpoint'));
      expect(names.filter((name) => name.startsWith('.tmp-'))).toEqual([]);
      expect(existsSync(join(dir, 'run.lock'))).toBe(false);
      const latest = JSON.parse(await readFile(join(dir, 'checkpoint', 'latest.json'), 'utf8'));
      expect(latest.step).toBe(2);
      expect((await readdir(join(dir, 'checkpoint', latest.version))).sort()).toEqual([
        'model.safetensors',
        'optimizer.safetensors',
        'state.json',
      ]);
      expect(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')).settings.limit).toBe(40);

      execFileSync('mount', ['-o', 'remount,size=8m', disk]);
      const resumed = await cnnkit(['train', '--resume', dir, '--json']);
      expect(resumed.code).toBe(0);
      expect(JSON.parse(resumed.stdout).steps).toBe(5);
      expect(existsSync(join(dir, 'simple-cnn.safetensors'))).toBe(true);
      await rm(dir, { recursive: true, force: true });
    },
  );
});
