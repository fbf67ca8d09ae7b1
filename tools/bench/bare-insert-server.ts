// The registration benchmark's baseline: a bare Node `http` server with a `pg` pool that parses the
// JSON body and does one INSERT per request into the same Postgres, then answers 201 with the row's
// id. No framework, no validation, no outbox: the floor the enrollment service is compared with.
//   node -r @swc-node/register tools/bench/bare-insert-server.ts   (PORT, DATABASE_URL, DB_POOL_SIZE)
import { createServer } from 'node:http';
import { Pool } from 'pg';

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_SIZE ?? 10),
});

async function main(): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS public.bench_bare_registrations (
       id bigserial PRIMARY KEY, id_number text NOT NULL, season int NOT NULL, body jsonb NOT NULL,
       UNIQUE (id_number, season))`,
  );
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      let body: { idNumber?: string; season?: number };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { error: 'bad json' });
      }
      pool
        .query(
          'INSERT INTO public.bench_bare_registrations (id_number, season, body) VALUES ($1, $2, $3) RETURNING id',
          [body.idNumber, body.season, body],
        )
        .then(
          (r) => reply(201, { id: r.rows[0].id }),
          (e: Error) => reply(500, { error: e.message }),
        );
    });
  });
  server.listen(Number(process.env.PORT), '127.0.0.1', () => console.error('bare server ready'));
  process.once('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
