// Test harness: every storage and API suite runs on SQLite and on PostgreSQL. PostgreSQL suites get
// a uniquely named database per test file on 127.0.0.1:5432 (trust auth), dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { openDatabase, type Dialect, type GatewayDb } from '../../gateway/src/db/database.js';
import { createServices, type Services } from '../../gateway/src/services.js';
import type { Clock } from '../../gateway/src/context.js';

export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];
const PG_ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
    return { url: join(dir, 'gateway.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `gw_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * A clock the test moves by hand. Each reading also moves it 1 ms, as real time would, so ids made
 * one after another sort in the order they were made.
 */
export class ManualClock implements Clock {
  constructor(public now = Date.parse('2026-03-01T02:00:00Z')) {}
  nowMs(): number {
    this.now += 1;
    return this.now;
  }
  advance(ms: number): void {
    this.now += ms;
  }
}

export const silentLogger = pino({ level: 'silent' });

export interface ServiceFixture {
  db: TestDatabase;
  gdb: GatewayDb;
  services: Services;
  clock: ManualClock;
  close(): Promise<void>;
}

export async function openServices(dialect: Dialect): Promise<ServiceFixture> {
  const db = await createTestDatabase(dialect);
  const gdb = await openDatabase(db.url, { logger: silentLogger });
  const clock = new ManualClock();
  const services = createServices(gdb, clock, silentLogger);
  return {
    db,
    gdb,
    services,
    clock,
    close: async () => {
      await gdb.close();
      await db.drop();
    },
  };
}
