// Runs each installed @cnnkit package's README example (the first js/ts block under its
// "Example" or "Use" heading) in the consumer directory, against the published packages,
// and compares the output with the README's "prints" block where it has one.
// Usage (in the consumer directory): node readme-examples.mjs <package name>...
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

let failed = false;
for (const name of process.argv.slice(2)) {
  const readme = readFileSync(join('node_modules', name, 'README.md'), 'utf8');
  const section = /\n##+ (?:Example|Use)\b[^\n]*\n([\s\S]*)/.exec(readme)?.[1] ?? '';
  const block = /```(js|ts)\n([\s\S]*?)```/.exec(section);
  if (!block) {
    console.log(`${name}: no js/ts example (covered elsewhere)`);
    continue;
  }
  const [, language, source = ''] = block;
  const code =
    language === 'ts'
      ? ts.transpileModule(source, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        }).outputText
      : source;
  const printed = /prints\n\n```text\n([\s\S]*?)```/.exec(section)?.[1];
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
  const problems = [];
  if (run.status !== 0) problems.push(`exited ${run.status}: ${run.stderr.trim()}`);
  if (printed !== undefined && run.stdout !== printed) {
    problems.push(`printed\n${run.stdout}instead of\n${printed}`);
  }
  if (problems.length > 0) {
    failed = true;
    console.log(`${name}: README example FAILED\n  ${problems.join('\n  ')}`);
  } else {
    const lines = run.stdout.trim().split('\n').filter(Boolean).length;
    console.log(
      `${name}: README example ran${printed !== undefined ? `, its ${lines} printed lines match` : ''}`,
    );
  }
}
process.exit(failed ? 1 : 0);
