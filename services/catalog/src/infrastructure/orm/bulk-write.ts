import { JsonType, type EntityMetadata, type EntitySchema } from '@mikro-orm/core';
import { BaseSqlitePlatform, type Knex, type SqlEntityManager } from '@mikro-orm/knex';

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Set-based statements with ONE bound parameter (a JSON document or a list): every bulk write of the catalog.
//
// `em.insertMany`/`upsertMany`/`find` inline every value into the SQL text (MikroORM's formatQuery):
// a batch of 500 contracts becomes a 1.2 MB INSERT built, escaped and garbage-collected in JS, then
// lexed by the server; `find` also hydrates entities into the identity map. Here the rows travel as
// one JSON parameter that the engine expands itself (PostgreSQL `jsonb_populate_recordset`, SQLite
// `json_each`), the statement text is short and the same for every batch, and reads return plain rows.
// Values are stored exactly as MikroORM stores them (JSON columns as JSON, datetimes as timestamptz on
// PostgreSQL and epoch milliseconds on SQLite, booleans as booleans / 0-1), so the ORM reads them back.
// ---------------------------------------------------------------------------------------------------

type Dialect = 'postgresql' | 'sqlite';
type ColumnKind = 'json' | 'datetime' | 'boolean' | 'value';

interface Column {
  property: string;
  field: string;
  kind: ColumnKind;
  primary: boolean;
  autoincrement: boolean;
}

interface Table {
  name: string;
  columns: Column[];
  byProperty: Map<string, Column>;
  statements: Map<string, string>;
}

const tables = new WeakMap<EntityMetadata, Table>();

function dialectOf(em: SqlEntityManager): Dialect {
  return em.getPlatform() instanceof BaseSqlitePlatform ? 'sqlite' : 'postgresql';
}

/** The knex bound to the context's open transaction (the pool's knex would run outside it). */
function knexOf(em: SqlEntityManager): Knex {
  return em.getTransactionContext<Knex.Transaction>() ?? em.getKnex();
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

function tableOf<T extends object>(em: SqlEntityManager, schema: EntitySchema<T>): Table {
  const meta = em.getMetadata().get<T>(schema.meta.className);
  let table = tables.get(meta);
  if (!table) {
    const columns = meta.props
      .filter((p) => p.persist !== false && p.fieldNames?.length === 1)
      .map<Column>((p) => ({
        property: p.name,
        field: p.fieldNames[0],
        kind: p.runtimeType === 'Date' ? 'datetime' : p.runtimeType === 'boolean' ? 'boolean' : p.customType instanceof JsonType ? 'json' : 'value',
        primary: !!p.primary,
        autoincrement: !!p.autoincrement,
      }));
    table = { name: meta.tableName, columns, byProperty: new Map(columns.map((c) => [c.property, c])), statements: new Map() };
    tables.set(meta, table);
  }
  return table;
}

/** One row as the engine stores it, keyed by column name. */
function encodeRow(columns: readonly Column[], row: Record<string, unknown>, dialect: Dialect): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c.property];
    if (v === undefined || v === null) {
      out[c.field] = null;
    } else if (dialect === 'sqlite' && c.kind === 'json') {
      out[c.field] = JSON.stringify(v); // SQLite keeps JSON columns as text
    } else if (dialect === 'sqlite' && c.kind === 'datetime') {
      out[c.field] = v instanceof Date ? v.getTime() : v; // as MikroORM's SQLite platform
    } else {
      out[c.field] = v; // PostgreSQL: nested JSON, ISO datetimes and booleans are typed by the table's row type
    }
  }
  return out;
}

function insertStatement(table: Table, columns: readonly Column[], dialect: Dialect, onConflict: 'error' | 'update'): string {
  const key = `${dialect}:${onConflict}:${columns.map((c) => c.field).join(',')}`;
  let sql = table.statements.get(key);
  if (sql) return sql;
  const list = columns.map((c) => quote(c.field)).join(', ');
  const source =
    dialect === 'postgresql'
      ? `select ${list} from jsonb_populate_recordset(null::${quote(table.name)}, ?::jsonb)`
      : `select ${columns.map((c) => `json_extract(value, '$."${c.field}"')`).join(', ')} from json_each(?)`;
  // `where true`: SQLite needs it to parse `INSERT … SELECT … ON CONFLICT`.
  sql = `insert into ${quote(table.name)} (${list}) ${source} where true`;
  if (onConflict === 'update') {
    const keys = columns.filter((c) => c.primary);
    const rest = columns.filter((c) => !c.primary);
    sql += ` on conflict (${keys.map((c) => quote(c.field)).join(', ')}) do ${
      rest.length ? `update set ${rest.map((c) => `${quote(c.field)} = excluded.${quote(c.field)}`).join(', ')}` : 'nothing'
    }`;
  }
  table.statements.set(key, sql);
  return sql;
}

/** Rows per JSON document: bounds the memory of one statement, not a parameter limit. */
const ROWS_PER_DOCUMENT = 5_000;

async function writeRows<T extends object>(em: SqlEntityManager, schema: EntitySchema<T>, rows: readonly T[], onConflict: 'error' | 'update'): Promise<void> {
  if (rows.length === 0) return;
  const dialect = dialectOf(em);
  const table = tableOf(em, schema);
  // A column no row gives (a generated key, a property left out) is left to the engine's default, and an upsert
  // does not overwrite it: as the ORM's insertMany/upsertMany did.
  const given = (c: Column) => rows.some((r) => (r as Record<string, unknown>)[c.property] !== undefined && (!c.autoincrement || (r as Record<string, unknown>)[c.property] !== null));
  const columns = table.columns.filter(given);
  const sql = insertStatement(table, columns, dialect, onConflict);
  const knex = knexOf(em);
  for (const chunk of chunks(rows, ROWS_PER_DOCUMENT)) {
    const document = JSON.stringify(chunk.map((r) => encodeRow(columns, r as Record<string, unknown>, dialect)));
    await knex.raw(sql, [document]);
  }
}

/** INSERT of many rows in one statement (per 5,000 rows), the rows bound as one JSON parameter. */
export async function insertRows<T extends object>(em: SqlEntityManager, schema: EntitySchema<T>, rows: readonly T[]): Promise<void> {
  await writeRows(em, schema, rows, 'error');
}

/** INSERT … ON CONFLICT (primary key) DO UPDATE of every other given column, rows bound as one JSON parameter. */
export async function upsertRows<T extends object>(em: SqlEntityManager, schema: EntitySchema<T>, rows: readonly T[]): Promise<void> {
  await writeRows(em, schema, rows, 'update');
}

/** `"column" IN (values)` with the values bound as ONE parameter (an array on PostgreSQL, a JSON array on SQLite). */
function inList(dialect: Dialect, column: Column, values: readonly string[]): { sql: string; binding: Knex.Value } {
  return dialect === 'postgresql'
    ? { sql: `${quote(column.field)} = any(?::text[])`, binding: [...values] }
    : { sql: `${quote(column.field)} in (select value from json_each(?))`, binding: JSON.stringify(values) };
}

function columnOf(table: Table, property: string): Column {
  const column = table.byProperty.get(property);
  if (!column) throw new Error(`bulk-write: ${table.name} has no column for property "${property}"`);
  return column;
}

function decode(column: Column, value: unknown, dialect: Dialect): unknown {
  if (value === null || value === undefined || dialect === 'postgresql') return value ?? null;
  if (column.kind === 'boolean') return value === 1 || value === true;
  if (column.kind === 'json') return typeof value === 'string' ? JSON.parse(value) : value;
  if (column.kind === 'datetime') return new Date(value as number | string);
  return value;
}

/**
 * SELECT `properties` FROM the table WHERE `property` IN `values` (AND each `equals` column = value):
 * one statement whatever the number of values, plain rows (no entity, no identity map).
 *
 * On PostgreSQL the list drives the lookup, one key probe per value (`unnest($n) CROSS JOIN LATERAL
 * (… OFFSET 0)`), instead of `consumer = $1 AND event_id = ANY($2)`: before a table's first ANALYZE
 * (a fresh database, a bulk load outpacing autovacuum) the planner takes `consumer = $1` for selective
 * and reads every row of the consumer, filtering the list (or hashes a sequential scan): a cost that
 * grows with the table (80 k processed ids: 27–34 ms a batch instead of 3–5 ms). A lateral subquery
 * that cannot be flattened (OFFSET 0) is planned per value, where the primary key always wins.
 */
export async function selectWhereIn<T extends object, K extends keyof T & string>(
  em: SqlEntityManager,
  schema: EntitySchema<T>,
  properties: readonly K[],
  property: keyof T & string,
  values: readonly string[],
  equals: Partial<Record<keyof T & string, string>> = {},
): Promise<Pick<T, K>[]> {
  if (values.length === 0) return [];
  const dialect = dialectOf(em);
  const table = tableOf(em, schema);
  const selected = properties.map((p) => columnOf(table, p));
  const fields = selected.map((c) => quote(c.field)).join(', ');
  const fixed = Object.entries(equals).map(([p, v]) => ({ sql: `${quote(columnOf(table, p).field)} = ?`, value: v as string }));
  const column = quote(columnOf(table, property).field);
  const sql =
    dialect === 'postgresql'
      ? `select ${fields} from unnest(?::text[]) as keys(value) cross join lateral ` +
        `(select ${fields} from ${quote(table.name)} where ${[...fixed.map((f) => f.sql), `${column} = keys.value`].join(' and ')} offset 0) as found`
      : `select ${fields} from ${quote(table.name)} where ${[...fixed.map((f) => f.sql), `${column} in (select value from json_each(?))`].join(' and ')}`;
  const bindings: Knex.Value[] =
    dialect === 'postgresql' ? [[...values], ...fixed.map((f) => f.value)] : [...fixed.map((f) => f.value), JSON.stringify(values)];
  const result = (await knexOf(em).raw(sql, bindings)) as Record<string, unknown>[] | { rows: Record<string, unknown>[] };
  const rows = Array.isArray(result) ? result : result.rows;
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const c of selected) out[c.property] = decode(c, row[c.field], dialect);
    return out as Pick<T, K>;
  });
}

/**
 * DELETE FROM the table WHERE `property` IN `values`: one statement, the values bound as one parameter.
 * (`= ANY`: a table without statistics may be scanned; the batch deletes only for contracts already stored.)
 */
export async function deleteWhereIn<T extends object>(em: SqlEntityManager, schema: EntitySchema<T>, property: keyof T & string, values: readonly string[]): Promise<void> {
  if (values.length === 0) return;
  const dialect = dialectOf(em);
  const table = tableOf(em, schema);
  const list = inList(dialect, columnOf(table, property), values);
  await knexOf(em).raw(`delete from ${quote(table.name)} where ${list.sql}`, [list.binding]);
}
