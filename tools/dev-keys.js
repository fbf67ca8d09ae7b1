#!/usr/bin/env node
// Local development API keys: one per role (and one township), made once into .local/.
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
  { holder: 'township-qingquan-officer', role: 'township:620725100' },
  { holder: 'ops-oncall', role: 'ops' },
  { holder: 'admin', role: 'admin' },
];

function ensure() {
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(plainFile)) {
    const keys = HOLDERS.map((h) => ({
      ...h,
      key: `dev_${h.role.replace(/[:]/g, '_')}_${randomBytes(24).toString('base64url')}`,
    }));
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
