// Runs each installed @cnnkit package's README example (its first js/ts block, what a user
// pastes first) in the consumer directory, against the published packages, and compares the
// output with the README's "prints" block where it has one. The `npm install` line above the
// example (in the same section) must name every package the example imports, so a user who
// runs just that line can run the example.
// Usage (in the consumer directory): node readme-examples.mjs <package name>...
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * The packages an example imports (statically or with `import('…')`), without subpaths.
 * @param {string} code
 */
function importedPackages(code) {
  const specifiers = [
    ...code.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] ?? '');
  return [
    ...new Set(
      specifiers
        .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
        .map((s) =>
          s
            .split('/')
            .slice(0, s.startsWith('@') ? 2 : 1)
            .join('/'),
        ),
    ),
  ];
}

/**
 * The packages named by `npm install` lines in `text` (continued lines joined, versions dropped).
 * @param {string} text
 */
function installedPackages(text) {
  return [...text.replace(/\\\n\s*/g, ' ').matchAll(/^npm install\b(.*)$/gm)]
    .flatMap((m) => (m[1] ?? '').trim().split(/\s+/))
    .filter((word) => word !== '' && !word.startsWith('-'))
    .map((spec) => spec.replace(/(.)@.*$/, '$1'));
}

let failed = false;
for (const name of process.argv.slice(2)) {
  const readme = readFileSync(join('node_modules', name, 'README.md'), 'utf8');
  const block = /```(js|ts)\n([\s\S]*?)```/.exec(readme);
  if (!block) {
    console.log(`${name}: no js/ts example (covered elsewhere)`);
    continue;
  }
  const [, language, source = ''] = block;
  const sectionStart = readme.lastIndexOf('\n## ', block.index);
  const nextSection = readme.indexOf('\n## ', block.index);
  const before = readme.slice(sectionStart, block.index);
  const after = readme.slice(block.index, nextSection < 0 ? undefined : nextSection);
  const code =
    language === 'ts'
      ? ts.transpileModule(source, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        }).outputText
      : source;
  const problems = [];
  const installs = installedPackages(before);
  const missing = importedPackages(source).filter((pkg) => !installs.includes(pkg));
  if (installs.length === 0) problems.push('no `npm install` line above the example');
  else if (missing.length > 0) {
    problems.push(`imports ${missing.join(', ')}, which its npm install line does not name`);
  }
  const printed = /prints\n\n```text\n([\s\S]*?)```/.exec(after)?.[1];
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
  });
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
      `${name}: README example ran (npm install names its ${importedPackages(source).length} imported packages)` +
        `${printed !== undefined ? `, its ${lines} printed lines match` : ''}`,
    );
  }
}
process.exit(failed ? 1 : 0);
