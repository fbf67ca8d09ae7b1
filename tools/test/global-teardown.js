// Stops the broker only when this run started it (and KEEP_KAFKA is not set).
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  if (globalThis.__urrbmiTornDown) return;
  globalThis.__urrbmiTornDown = true;
  for (const c of globalThis.__urrbmiContainers ?? []) await c.stop();
  if (process.env.URRBMI_STARTED_KAFKA === '1' && !process.env.KEEP_KAFKA) {
    execFileSync('bash', [path.resolve(__dirname, '../kafka/kafka.sh'), 'stop'], { stdio: 'inherit' });
  }
};
