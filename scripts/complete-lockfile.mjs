// The package registry this project is built against does not serve @swc/core's binaries for
// other platforms (darwin, win32, some linux arches), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock. This adds them back as optional entries
// with their os/cpu, which npm skips on a platform they do not match. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const platforms = {
  'darwin-arm64': ['darwin', 'arm64'],
  'darwin-x64': ['darwin', 'x64'],
  'linux-arm-gnueabihf': ['linux', 'arm'],
  'linux-arm64-gnu': ['linux', 'arm64'],
  'linux-arm64-musl': ['linux', 'arm64'],
  'linux-ppc64-gnu': ['linux', 'ppc64'],
  'linux-s390x-gnu': ['linux', 's390x'],
  'linux-x64-gnu': ['linux', 'x64'],
  'linux-x64-musl': ['linux', 'x64'],
  'win32-arm64-msvc': ['win32', 'arm64'],
  'win32-ia32-msvc': ['win32', 'ia32'],
  'win32-x64-msvc': ['win32', 'x64'],
};
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const m = /^@swc\/core-(.+)$/.exec(name);
    if (!m || !platforms[m[1]]) continue;
    const at = `${path ? path + '/' : ''}node_modules/${name}`.replace(/^\//, '');
    const top = `node_modules/${name}`;
    if (lock.packages[at] || lock.packages[top]) continue;
    const [os, cpu] = platforms[m[1]];
    lock.packages[top] = { version, cpu: [cpu], license: 'Apache-2.0 AND MIT', optional: true, os: [os], engines: { node: '>=10' } };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} optional platform entries`);
