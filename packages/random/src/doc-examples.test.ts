import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeDocExamples, exampleScript } from '@cnnkit/build-config/doc-examples';
import { describe, expect, it } from 'vitest';

const packageUrl = new URL('..', import.meta.url);

describeDocExamples(packageUrl, { entries: ['@cnnkit/random'] });

// The checks the runner adds to every package's examples, shown failing where they should.
describe('stated values in examples', () => {
  function run(code: string) {
    const script = exampleScript(
      { file: 'example.ts', line: 1, code },
      { entries: ['@cnnkit/random'], context: '' },
    );
    return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(packageUrl),
      encoding: 'utf8',
    });
  }

  it('passes when the value is what the comment says', () => {
    const ok = run(
      'const rng = new Rng(1);\nrng.int(1); // 0\n[1, 2]; // [1, 2]\nMath.PI; // ≈ 3.1416\nnew Rng(0.5); // throws',
    );
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
  });

  it('fails with the file and line when the value differs', () => {
    const wrong = run('const x: number = 1;\nx + 1; // 3');
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain('example.ts:2: the example says 3 but it is 2');
  });

  it('fails when a list, an approximation or a throw does not hold', () => {
    expect(run('Float32Array.of(1, 2); // [1, 3]').stderr).toContain('says [1,3]');
    expect(run('Math.PI; // ≈ 3.15').stderr).toContain('≈ 3.15');
    expect(run('new Rng(1); // throws').stderr).toContain('says this throws');
  });
});
