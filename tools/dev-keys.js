#!/usr/bin/env node
// Local development API keys, made once into .local/: one per role (and one township), and two
// holders — a maker and a checker — for every role whose work is approved by a second person
// (roster snapshots: civil affairs, rural revitalization, and mib for the other departments).
//   .local/api-keys.json      what the services read (holder, role, sha256) — API_KEYS_FILE
//   .local/dev-api-keys.json  the plain keys, for people and scripts on this machine only
// `node tools/dev-keys.js` prints them; `--quiet` only makes sure they exist.
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const dir = path.resolve(__dirname, '../.local');
const plainFile = path.join(dir, 'dev-api-keys.json');
const hashedFile = path.join(dir, 'api-keys.json');

const HOLDERS = [
  { holder: 'mib-clerk-wang', role: 'mib' },
  { holder: 'mib-reviewer-li', role: 'mib' },
  { holder: 'tax-bureau-feed', role: 'tax' },
  { holder: 'finance-refund-desk', role: 'finance' },
  { holder: 'civil-affairs-roster-clerk', role: 'civil-affairs' },
  { holder: 'civil-affairs-roster-checker', role: 'civil-affairs' },
  { holder: 'rural-revitalization-clerk', role: 'rural-revitalization' },
  { holder: 'rural-revitalization-checker', role: 'rural-revitalization' },
  { holder: 'township-qingquan-officer', role: 'township:620725100' },
  { holder: 'ops-oncall', role: 'ops' },
  { holder: 'admin', role: 'admin' },
];

function ensure() {
  fs.mkdirSync(dir, { recursive: true });
  const existing = fs.existsSync(plainFile) ? JSON.parse(fs.readFileSync(plainFile, 'utf8')).keys : [];
  // Keys made earlier stay as they are; holders added since (e.g. a checker) get a key of their own.
  const missing = HOLDERS.filter((h) => !existing.some((k) => k.holder === h.holder));
  if (missing.length > 0 || !fs.existsSync(plainFile)) {
    const keys = existing.concat(
      missing.map((h) => ({
        ...h,
        key: `dev_${h.role.replace(/[:]/g, '_')}_${randomBytes(24).toString('base64url')}`,
      })),
    );
    fs.writeFileSync(plainFile, JSON.stringify({ keys }, null, 2) + '\n', { mode: 0o600 });
  }
  const { keys } = JSON.parse(fs.readFileSync(plainFile, 'utf8'));
  const hashed = keys.map((k) => ({
    holder: k.holder,
    role: k.role,
    sha256: createHash('sha256').update(k.key).digest('hex'),
  }));
  fs.writeFileSync(hashedFile, JSON.stringify({ keys: hashed }, null, 2) + '\n');
  return keys;
}

const keys = ensure();
if (!process.argv.includes('--quiet')) {
  console.log('Local API keys (Authorization: Bearer <key>), from .local/dev-api-keys.json:');
  for (const k of keys) console.log(`  ${k.role.padEnd(22)} ${k.holder.padEnd(30)} ${k.key}`);
}
