// Run directories under attack: two trainings on one --out, kill -9 and a new train, --out onto
// a finished run, flags that would silently change a resumed run, a damaged metrics line.
// Each test builds its own situation and checks the exit code, the one-line message and what
// is on disk afterwards. Runs use the embedded sample and a few batches.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnkit, errorLine, startCnnkit, waitFor } from './cnnkit-process.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cnnkit-hostile-runs-'));
});

// 40 images in batches of 8: 5 steps, then the 500 test images.
const shortRun = ['--data', 'sample', '--limit', '40', '--batch-size', '8', '--epochs', '1'];
// Long enough to be caught running: 50 steps an epoch, a checkpoint every 5.
const longRun = [
  '--data',
  'sample',
  '--limit',
  '200',
  '--batch-size',
  '4',
  '--epochs',
  '50',
  '--checkpoint-every',
  '5',
];

const lockOf = (dir: string) => join(dir, 'run.lock');
const latestOf = (dir: string) => join(dir, 'checkpoint', 'latest.json');

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of ['run.json', 'metrics.jsonl', 'simple-cnn.safetensors']) {
    const path = join(dir, name);
    if (existsSync(path)) files[name] = (await readFile(path)).toString('base64');
  }
  files.checkpoint = (await readdir(join(dir, 'checkpoint'))).sort().join(',');
  return files;
}

describe('a run directory is locked while a run owns it', () => {
  it('refuses a second training on the same --out at once, naming the holder', async () => {
    const dir = join(work, 'busy');
    const first = startCnnkit(['train', ...longRun, '--out', dir]);
    await waitFor(() => existsSync(latestOf(dir)));
    const holder = JSON.parse(await readFile(lockOf(dir), 'utf8'));
    expect(holder.pid).toBe(first.child.pid);

    for (const args of [
      ['train', ...shortRun, '--out', dir],
      ['train', '--resume', dir],
    ]) {
      const second = await cnnkit(args);
      expect(second.code).toBe(1);
      expect(errorLine(second)).toMatch(
        new RegExp(
          `^cnnkit: ${dir} is in use by another cnnkit run \\(pid ${first.child.pid} on [^,]+, started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d: cnnkit train .*--out ${dir}\\); wait for it to finish or stop it, or choose another directory\\.$`,
        ),
      );
    }

    // The first run was not disturbed: Ctrl-C stops it with a checkpoint and frees the lock.
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain(`continue with: cnnkit train --resume ${dir}`);
    expect(existsSync(lockOf(dir))).toBe(false);
    const record = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    expect(record.settings.limit).toBe(200); // not the second command's 40
    expect(record.sessions).toHaveLength(1);
  });

  it('takes over the lock of a run killed with kill -9, and cleans up what it left', async () => {
    const dir = join(work, 'killed');
    const killed = startCnnkit(['train', ...longRun, '--out', dir]);
    await waitFor(() => existsSync(latestOf(dir)));
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    expect(existsSync(lockOf(dir))).toBe(true);
    // What a kill -9 in the middle of writing latest.json leaves.
    const orphan = join(dir, 'checkpoint', '.tmp-latest.json-0badf00d');
    await writeFile(orphan, '{"vers');

    // Re-typing the original command: refused as an existing run, not as a locked one.
    const retyped = await cnnkit(['train', ...longRun, '--out', dir]);
    expect(retyped.code).toBe(1);
    expect(errorLine(retyped)).toMatch(
      new RegExp(
        `^cnnkit: ${dir} already holds a run stopped at step \\d+ \\(run\\.json, checkpoint, metrics\\.jsonl\\); continue it with \`cnnkit train --resume ${dir}\`, or add --force to delete it and start over\\.$`,
      ),
    );
    expect(retyped.stderr).toContain(
      `was left by a run that is no longer running (pid ${killed.child.pid} on `,
    );

    const resumed = await cnnkit(['train', '--resume', dir, '--epochs', '1']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('removed what a stopped run left unfinished');
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(lockOf(dir))).toBe(false);
    expect(existsSync(join(dir, 'simple-cnn.safetensors'))).toBe(true);
    const names = await readdir(join(dir, 'checkpoint'));
    expect(names.filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  });
});

describe('a run is never overwritten silently', () => {
  let finished: string;
  let before: Record<string, string>;
  beforeAll(async () => {
    finished = join(work, 'finished');
    const run = await cnnkit(['train', ...shortRun, '--out', finished]);
    expect(run.code).toBe(0);
    before = await snapshot(finished);
  });

  it('refuses --out onto a finished run and leaves it as it was', async () => {
    const again = await cnnkit(['train', ...shortRun, '--lr', '0.01', '--out', finished]);
    expect(again.code).toBe(1);
    expect(errorLine(again)).toBe(
      `cnnkit: ${finished} already holds a finished run (run.json, checkpoint, metrics.jsonl, simple-cnn.safetensors); continue it with \`cnnkit train --resume ${finished}\`, or add --force to delete it and start over.`,
    );
    expect(await snapshot(finished)).toEqual(before);
  });

  it('refuses a conflicting flag on --resume, naming the flag, the stored and the given value', async () => {
    const run = await cnnkit(['train', '--resume', finished, '--epochs', '3', '--lr', '0.1']);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(
      `cnnkit: cannot resume ${finished} with --lr 0.1: the run was started with --lr 0.001, and a resumed run keeps its settings. Drop that flag, or start a new run with --out <new dir>.`,
    );
    expect(await snapshot(finished)).toEqual(before);
  });

  it('refuses every flag that defines the run, and accepts the same values repeated', async () => {
    const run = await cnnkit([
      'train',
      '--resume',
      finished,
      '--batch-size',
      '4',
      '--limit',
      '80',
      '--seed',
      '3',
      '--momentum',
      '0.5',
      '--report-every',
      '5',
      '--checkpoint-every',
      '2',
      '--augment',
      '--lr',
      '0.001', // the run's own value: not a conflict
    ]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(
      `cnnkit: cannot resume ${finished} with --batch-size 4, --momentum 0.5, --augment, --seed 3, --limit 80, --report-every 5, --checkpoint-every 2: ` +
        'the run was started with --batch-size 8, --momentum 0.9, --no-augment, --seed 0, --limit 40, --report-every 2000, --checkpoint-every 1000, ' +
        'and a resumed run keeps its settings. Drop those flags, or start a new run with --out <new dir>.',
    );
    expect(await snapshot(finished)).toEqual(before);
  });

  it('refuses --resume with other data, and accepts the same data at another path', async () => {
    // The sample's archive extracted, once as it is and once with one pixel changed.
    const same = join(work, 'same-data');
    const other = join(work, 'other-data');
    for (const dir of [same, other]) {
      await cp(cifar10SamplePath(), `${dir}.tar.gz`);
      execFileSync('mkdir', ['-p', dir]);
      execFileSync('tar', ['-xzf', `${dir}.tar.gz`, '-C', dir]);
    }
    const batch = join(other, 'cifar-10-batches-bin', 'data_batch_1.bin');
    const bytes = await readFile(batch);
    bytes[1] = (bytes[1] as number) ^ 0xff;
    await writeFile(batch, bytes);

    const refused = await cnnkit(['train', '--resume', finished, '--data', other]);
    expect(refused.code).toBe(1);
    expect(errorLine(refused)).toBe(
      `cnnkit: cannot resume ${finished} with --data ${other}: the run was started with --data sample (2,000 training images), and a resumed run keeps its data (${other} (2,000 training images) is different). Drop --data, or start a new run with --out <new dir>.`,
    );
    expect(await snapshot(finished)).toEqual(before);

    const accepted = await cnnkit(['train', '--resume', finished, '--data', same, '--epochs', '2']);
    expect(accepted.code).toBe(0);
    const record = JSON.parse(await readFile(join(finished, 'run.json'), 'utf8'));
    expect(record.settings.data.source).toBe(same);
    before = await snapshot(finished);
  });

  it('honours and records more --epochs; says so when there is nothing left to train', async () => {
    const more = await cnnkit(['train', '--resume', finished, '--epochs', '3', '--json']);
    expect(more.code).toBe(0);
    expect(more.stderr).toContain(`epochs: 2 → 3 (recorded in ${join(finished, 'run.json')})`);
    expect(more.stderr).toContain('3 epochs, batch 8, lr 0.001');
    const summary = JSON.parse(more.stdout);
    expect(summary.steps).toBe(15);
    expect(summary.epochs).toBe(3);
    const record = JSON.parse(await readFile(join(finished, 'run.json'), 'utf8'));
    expect(record.settings.epochs).toBe(3);
    expect(record.sessions.map((s: { epochs: number }) => s.epochs)).toEqual([1, 2, 3]);

    const nothing = await cnnkit(['train', '--resume', finished]);
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toContain(
      `${finished} has already trained its 3 epochs; nothing to train (add --epochs 4 or more to train it further)`,
    );
    expect(nothing.stdout).toMatch(/^test accuracy [\d.]+ % on 500 images/);

    const fewer = await cnnkit(['train', '--resume', finished, '--epochs', '2']);
    expect(fewer.code).toBe(1);
    expect(errorLine(fewer)).toBe(
      `cnnkit: --epochs 2 is fewer than ${finished} has trained already (3 epochs); pass --epochs 3 or more.`,
    );
  });

  it('starts over with --force', async () => {
    const forced = await cnnkit([
      'train',
      ...shortRun,
      '--seed',
      '5',
      '--out',
      finished,
      '--force',
    ]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain(`--force: deleting a finished run in ${finished}`);
    const record = JSON.parse(await readFile(join(finished, 'run.json'), 'utf8'));
    expect(record.settings.seed).toBe(5);
    expect(record.sessions).toHaveLength(1);
    const metrics = (await readFile(join(finished, 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(metrics).toHaveLength(1); // one epoch-end line: nothing of the old run is left
  });

  it('refuses --force with --resume, and --resume of a directory without a run', async () => {
    const both = await cnnkit(['train', '--resume', finished, '--force']);
    expect(both.code).toBe(2);
    expect(errorLine(both)).toBe(
      'cnnkit: --force starts a new run and cannot be used with --resume; use --out <dir> --force.',
    );
    const empty = join(work, 'empty');
    execFileSync('mkdir', ['-p', empty]);
    const none = await cnnkit(['train', '--resume', empty]);
    expect(none.code).toBe(1);
    expect(errorLine(none)).toBe(
      `cnnkit: ${empty} holds no run to resume (no run.json or checkpoint); start one with \`cnnkit train --out ${empty}\`.`,
    );
  });

  it('says --limit in its own words when it is larger than the data', async () => {
    const dir = join(work, 'too-many');
    const run = await cnnkit(['train', '--data', 'sample', '--limit', '40000', '--out', dir]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(
      'cnnkit: --limit 40000 is more than the 2,000 training images in sample; pass at most 2000, or leave --limit out to use them all.',
    );
    expect(existsSync(dir)).toBe(false); // nothing left behind
  });

  it('refuses a fast --batch-size larger than the training images instead of training on nothing', async () => {
    const dir = join(work, 'batch-too-big');
    const fast = 'train --recipe fast --data sample'.split(' ');
    const run = await cnnkit([...fast, '--batch-size', '4000', '--out', dir]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(
      'cnnkit: --batch-size 4000 is more than the 2,000 training images in sample, and the fast recipe drops an incomplete last batch, so no epoch would train; pass --batch-size 2000 or less.',
    );
    const limited = await cnnkit([...fast, '--limit', '100', '--batch-size', '128', '--out', dir]);
    expect(errorLine(limited)).toBe(
      'cnnkit: --batch-size 128 is more than the 100 training images (--limit), and the fast recipe drops an incomplete last batch, so no epoch would train; pass --batch-size 100 or less.',
    );
    expect(existsSync(dir)).toBe(false);
  });
});

describe('a damaged metrics.jsonl', () => {
  it('loses only the damaged line, and the run resumes', async () => {
    const dir = join(work, 'damaged-metrics');
    const first = await cnnkit([
      'train',
      ...shortRun,
      '--batch-size',
      '4',
      '--report-every',
      '2',
      '--out',
      dir,
    ]);
    expect(first.code).toBe(0);
    const file = join(dir, 'metrics.jsonl');
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(6); // 5 reports (every 2 of 10 batches) and the epoch's end
    await writeFile(file, [lines[0], '\u0000\u0000garbage{', ...lines.slice(1), ''].join('\n'));

    const resumed = await cnnkit(['train', '--resume', dir, '--epochs', '2']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(
      `cnnkit: ${file} line 2 is damaged and was dropped ("\\u0000\\u0000garbage{"); the run continues`,
    );
    const after = (await readFile(file, 'utf8')).trim().split('\n');
    expect(after.slice(0, 6)).toEqual(lines);
    expect(after).toHaveLength(12);
    expect(after.every((line) => typeof JSON.parse(line).step === 'number')).toBe(true);
  });
});
