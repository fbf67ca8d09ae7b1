// Creates the system database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/urrbmi) if missing.
const { Client } = require('pg');

const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/urrbmi';
const name = decodeURIComponent(new URL(url).pathname.slice(1));
const admin = new URL(url);
admin.pathname = '/postgres';

(async () => {
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`unsupported database name ${name}`);
      await c.query(`CREATE DATABASE "${name}"`);
      console.error(`[postgres] created database ${name}`);
    }
  } finally {
    await c.end();
  }
})().catch((e) => {
  console.error(`[postgres] cannot prepare database ${name}: ${e.message}`);
  process.exit(1);
});
