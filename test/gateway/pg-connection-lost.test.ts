// A PostgreSQL connection killed by the server while the gateway has it checked out (inside a
// transaction, between two queries) fails that transaction and nothing else: no unhandled 'error'
// event crashes the process, and the next query runs on a fresh connection. Found by
// chaos/pg-restart.ts, where a server restart under load killed the gateway. PostgreSQL only:
// SQLite has no server connection to lose.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type GatewayDb } from '../../gateway/src/db/database.js';
import { createTestDatabase, silentLogger, type TestDatabase } from './harness.js';

describe('a PostgreSQL connection lost while in use', () => {
  let db: TestDatabase;
  let gdb: GatewayDb;
  const unhandled: unknown[] = [];
  const onUncaught = (error: unknown) => unhandled.push(error);

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    gdb = await openDatabase(db.url, { logger: silentLogger });
    process.on('uncaughtException', onUncaught);
  }, 30_000);

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await gdb?.close();
    await db?.drop();
  });

  it('fails the transaction, raises no uncaught error, and the next query succeeds', async () => {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const outcome = gdb.db.transaction().execute(async (trx) => {
        const { pid } = await trx.selectNoFrom((eb) => eb.fn<number>('pg_backend_pid').as('pid')).executeTakeFirstOrThrow();
        await admin.query('select pg_terminate_backend($1)', [pid]);
        // The FATAL arrives while no query is running on this checked-out connection.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await trx.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
      });
      await expect(outcome).rejects.toThrow();
      expect(unhandled).toEqual([]);
      expect(await gdb.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute()).toEqual([{ one: 1 }]);
    } finally {
      await admin.end();
    }
  });
});
