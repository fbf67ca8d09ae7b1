/** The one database of the system: DATABASE_URL when set, else the local server on 127.0.0.1:5432. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/urrbmi';

export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL && env.DATABASE_URL.trim() !== '' ? env.DATABASE_URL : DEFAULT_DATABASE_URL;
}

/** Postgres identifiers we build SQL with must be plain: schema names come from config. */
export function assertIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`not a plain lower-case SQL identifier: "${name}"`);
  return name;
}
