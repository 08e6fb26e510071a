// Opens the gateway database: SQLite (better-sqlite3, WAL) by default, PostgreSQL when the URL
// says postgres://. Both run the same migrations and the same queries; only transactions differ.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import { migrationProvider } from './migrations.js';
import type { GatewayDatabase } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface GatewayDb {
  readonly db: Kysely<GatewayDatabase>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

export const DEFAULT_SQLITE_PATH = './data/gateway.db';
const PG_POOL_MAX = 10;
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(
    readonly code: 'MIGRATION_FAILED' | 'BAD_DATABASE_URL',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Which dialect a URL selects: postgres:// or postgresql:// → PostgreSQL; anything else is a SQLite path. */
export function dialectOf(databaseUrl: string | undefined): Dialect {
  return databaseUrl !== undefined && /^postgres(ql)?:\/\//.test(databaseUrl) ? 'postgres' : 'sqlite';
}

/**
 * Opens (and migrates) the database. `databaseUrl` is a postgres:// URL, a `sqlite:` / file path,
 * or undefined for the embedded default `./data/gateway.db`.
 */
/**
 * Migrations were numbered by the feature that added them, not always in the order they landed
 * (0005_fuel reached main after 0006–0009): a database migrated in between must still open, so
 * kysely may apply a lower-numbered migration it has not run yet.
 */
function newMigrator(db: Kysely<GatewayDatabase>): Migrator {
  return new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
}

/** `migrate: false` opens the database as it is (tests that migrate step by step). */
export async function openDatabase(databaseUrl?: string, options: { logger?: Logger; migrate?: boolean } = {}): Promise<GatewayDb> {
  const dialect = dialectOf(databaseUrl);
  let db: Kysely<GatewayDatabase>;
  if (dialect === 'postgres') {
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: PG_POOL_MAX,
      // int8 (bigint) as number: every amount is bounded to a safe integer by the protocol's schemas.
      types: {
        getTypeParser: (oid: number, format?: 'text' | 'binary') =>
          oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
      } as pg.CustomTypesConfig,
    });
    // An idle connection can be cut by the server (restart, failover, admin kill); pg then emits
    // 'error' on the pool, which would crash the process if unheard. The pool opens a new
    // connection at the next query, so this is logged, not fatal.
    const log = (options.logger ?? pino({ level: 'warn' })).child({ module: 'gateway/db' });
    pool.on('error', (error) => log.warn({ code: (error as { code?: string }).code, err: error.message }, 'idle PostgreSQL connection lost'));
    // A connection cut while checked out (server restart between two queries of a transaction)
    // emits 'error' on the client itself, which the pool handler above does not hear: the process
    // crashed on it (found by chaos/pg-restart.ts). The query in flight fails on its own; the dead
    // client is dropped by the pool at release (not queryable).
    pool.on('connect', (client) => {
      client.on('error', (error) => log.warn({ code: (error as { code?: string }).code, err: error.message }, 'PostgreSQL connection lost while in use'));
    });
    db = new Kysely<GatewayDatabase>({ dialect: new PostgresDialect({ pool }) });
  } else {
    const path = (databaseUrl ?? DEFAULT_SQLITE_PATH).replace(/^sqlite:(\/\/)?/, '');
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new Sqlite(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    db = new Kysely<GatewayDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const result = options.migrate === false ? {} : await newMigrator(db).migrateToLatest();
  if (result.error !== undefined) {
    await db.destroy();
    throw new DatabaseError('MIGRATION_FAILED', `migration failed: ${String(result.error)}`, { cause: result.error });
  }
  return { db, dialect, close: () => db.destroy() };
}

const PG_RETRYABLE = new Set(['40001', '40P01']);
const MAX_TX_ATTEMPTS = 8;

/**
 * Runs `fn` in one transaction. SQLite: BEGIN IMMEDIATE, so a writer takes the write lock up front
 * and never fails late on upgrade. PostgreSQL: READ COMMITTED with row locks taken by the caller
 * (`FOR UPDATE`), retried at most MAX_TX_ATTEMPTS times on serialization failure or deadlock.
 */
export async function inTransaction<T>(gdb: GatewayDb, fn: (trx: Kysely<GatewayDatabase>) => Promise<T>): Promise<T> {
  if (gdb.dialect === 'sqlite') {
    return gdb.db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (error) {
        await sql`rollback`.execute(conn);
        throw error;
      }
    });
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await gdb.db.transaction().execute(fn);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !PG_RETRYABLE.has(code) || attempt >= MAX_TX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/** True when `error` is a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** `SELECT … FOR UPDATE` on PostgreSQL; SQLite already holds the database write lock (BEGIN IMMEDIATE). */
export function forUpdate(gdb: GatewayDb): boolean {
  return gdb.dialect === 'postgres';
}

/** Migrates step by step: to `target` when given, else to the latest (tests of a migration's back-fill). */
export async function migrateDatabase(gdb: GatewayDb, target?: string): Promise<void> {
  const migrator = newMigrator(gdb.db);
  const result = target ? await migrator.migrateTo(target) : await migrator.migrateToLatest();
  if (result.error !== undefined) throw new DatabaseError('MIGRATION_FAILED', `migration failed: ${String(result.error)}`, { cause: result.error });
}
