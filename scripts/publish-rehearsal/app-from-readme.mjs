// @ts-check
// Writes the app that one section of a package README shows into a directory, as a user
// pasting it would: every fenced block whose first line names a file (`// train.mjs: …`,
// `<!-- index.html -->`) becomes that file, and the section's `npm install` lines are printed,
// one a line, for the caller to run. Nothing is added: if the README leaves a step out, the
// app fails. `--pin name@version` pins a package the README installs without a version (the
// rehearsal builds with the version the repository uses).
// Usage: node app-from-readme.mjs <README.md> <section heading> <dir> [--pin name@version]...
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [readmePath, heading, dir, ...rest] = process.argv.slice(2);
if (!readmePath || !heading || !dir) {
  throw new Error(
    'usage: node app-from-readme.mjs <README.md> <section heading> <dir> [--pin name@version]...',
  );
}
/** @type {Map<string, string>} */
const pins = new Map();
for (let i = 0; i < rest.length; i += 2) {
  const spec = rest[i + 1] ?? '';
  const at = spec.lastIndexOf('@');
  if (rest[i] !== '--pin' || at <= 0)
    throw new Error(`expected --pin name@version, got ${rest[i]} ${spec}`);
  pins.set(spec.slice(0, at), spec);
}

const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf(`\n## ${heading}\n`);
if (start < 0) throw new Error(`${readmePath}: no section "## ${heading}"`);
const end = readme.indexOf('\n## ', start + 1);
const section = readme.slice(start, end < 0 ? undefined : end);

// One package spec: a name (scoped or not) with an optional version or range; no shell syntax.
const packageSpec = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(@[\w.^~<>=*-]+)?$/;
/** @type {string[]} */
const installs = [];
/** @type {string[]} */
const files = [];
for (const [, language, body = ''] of section.matchAll(/```(\w*)\n([\s\S]*?)```/g)) {
  if (language === 'sh') {
    for (const line of body.split('\n').filter((l) => l.trim() !== '')) {
      const words = line.trim().split(/\s+/);
      const specs = words.slice(words[2] === '-D' ? 3 : 2);
      if (
        words[0] !== 'npm' ||
        words[1] !== 'install' ||
        !specs.every((s) => packageSpec.test(s))
      ) {
        throw new Error(`${readmePath} ("${heading}"): not a plain npm install line: ${line}`);
      }
      const pinned = specs.map((spec) => pins.get(spec) ?? spec);
      installs.push([...words.slice(0, words.length - specs.length), ...pinned].join(' '));
    }
    continue;
  }
  const firstLine = body.split('\n', 1)[0] ?? '';
  const name = /^(?:\/\/|<!--)\s*([\w.-]+\.(?:m?[jt]s|html|css))\b/.exec(firstLine)?.[1];
  if (name === undefined) continue;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), body);
  files.push(name);
}
if (files.length === 0) throw new Error(`${readmePath} ("${heading}"): no block names a file`);
if (installs.length === 0) throw new Error(`${readmePath} ("${heading}"): no npm install line`);
console.error(`  from "${heading}": ${files.join(', ')}`);
for (const line of installs) console.log(line);
