// Waits for the rehearsal's verdaccio to answer, then creates a throw-away user through the
// registry's CouchDB-style login endpoint (what `npm adduser` calls) and prints its token.
// Usage: node registry-user.mjs <registry-url> <verdaccio-pid> <verdaccio-log>
import { readFileSync } from 'node:fs';

const [registry, pid, logFile] = process.argv.slice(2);
if (!registry || !pid || !logFile) {
  throw new Error('usage: node registry-user.mjs <registry-url> <verdaccio-pid> <verdaccio-log>');
}

function serverAlive() {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
}

const deadline = Date.now() + 60_000;
for (;;) {
  try {
    if ((await fetch(new URL('-/ping', registry))).ok) break;
  } catch {
    // not listening yet
  }
  if (!serverAlive()) {
    throw new Error(
      `verdaccio exited before answering; its log:\n${readFileSync(logFile, 'utf8')}`,
    );
  }
  if (Date.now() > deadline) throw new Error(`verdaccio at ${registry} did not answer in 60 s`);
  await new Promise((resolve) => setTimeout(resolve, 250));
}

const name = 'rehearsal';
const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, registry), {
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    _id: `org.couchdb.user:${name}`,
    name,
    password: 'rehearsal-only',
    type: 'user',
    roles: [],
  }),
});
const body = /** @type {{ token?: unknown }} */ (await response.json());
if (!response.ok || typeof body.token !== 'string') {
  throw new Error(`creating user ${name} failed: HTTP ${response.status} ${JSON.stringify(body)}`);
}
console.log(body.token);
