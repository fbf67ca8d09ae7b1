/**
 * The columns a work table needs to be run by `FileJobRunner` (besides `id`, `status`, `storage_path`,
 * `processed_lines`, `error` and `finished_at`, which every such table has): the attempts made since
 * the checkpoint last moved, when a file was set aside, and when its raw file was deleted.
 */
export function fileJobColumnsSql(table: string): string[] {
  if (!/^[a-z_]+\.[a-z_]+$/.test(table)) throw new Error(`not a schema-qualified table: ${table}`);
  const index = `${table.split('.')[1]}_raw_retention`;
  return [
    `ALTER TABLE ${table}
       ADD COLUMN attempts          integer NOT NULL DEFAULT 0,
       ADD COLUMN attempt_from_line integer,
       ADD COLUMN set_aside_at      timestamptz,
       ADD COLUMN raw_deleted_at    timestamptz`,
    `CREATE INDEX ${index} ON ${table} (finished_at) WHERE raw_deleted_at IS NULL`,
  ];
}

export function dropFileJobColumnsSql(table: string): string[] {
  const index = `${table.split('.')[1]}_raw_retention`;
  return [
    `DROP INDEX ${table.split('.')[0]}.${index}`,
    `ALTER TABLE ${table} DROP COLUMN attempts, DROP COLUMN attempt_from_line, DROP COLUMN set_aside_at, DROP COLUMN raw_deleted_at`,
  ];
}
