// bench/gateway: the cost of one ledger spend (idempotency claim, row locks, two postings, balance
// updates, guard re-read, audit row) against a bare one-row update transaction on the same database,
// measured in the same run, on SQLite (file, WAL) and PostgreSQL (127.0.0.1:5432) when reachable.
// Target: median spend ≤ 10 ms on each dialect (≥ 100 spends/s from one writer; a chain's busiest
// gateway sees tens per second). The ratio to the bare transaction is printed to show the overhead:
// on SQLite it is ~18–21×, mostly better-sqlite3 preparing each statement anew (kysely's driver does not
// cache prepared statements) and ULID randomness.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { inTransaction, openDatabase, type Dialect } from '../gateway/src/db/database.js';
import { systemActor, systemClock } from '../gateway/src/context.js';
import { createServices } from '../gateway/src/services.js';
import { formatSummary, summarize } from './stats.js';

const TARGET_SPEND_MS = 10;
const RUNS = 5;
const OPS_PER_RUN = 200;
const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';

async function database(dialect: Dialect): Promise<{ url: string; drop(): Promise<void> } | null> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
    return { url: join(dir, 'gateway.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `bench_gateway_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: PG_ADMIN.replace(/\/postgres$/, `/${name}`),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function perOpMs(ops: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i += 1) await fn(i);
  return Number(process.hrtime.bigint() - start) / 1e6 / ops;
}

let failed = false;
for (const dialect of ['sqlite', 'postgres'] as const) {
  const target = await database(dialect);
  if (!target) {
    console.log(`${dialect}: not reachable, skipped`);
    continue;
  }
  const gdb = await openDatabase(target.url);
  const s = createServices(gdb, systemClock, pino({ level: 'silent' }));
  const m = await s.hierarchy.createMerchant({ code: 'bench', name: 'bench' });
  const sys = systemActor(m.id);
  const region = await s.hierarchy.createRegion(sys, { name: 'r' });
  const store = await s.hierarchy.createStore(sys, { regionId: region.id, code: 'S1', name: 's' });
  const type = await s.cards.createCardType(sys, { name: 't', kind: 'personal', level: 'regular', discountPerMille: 1000, offlineLimitFen: 0, tierId: null });
  const member = await s.members.createMember(sys, { name: 'bench', phone: '13800138000', storeId: store.id });
  await s.cards.issueCard(sys, { memberId: member.id, cardTypeId: type.id, cardNo: '8800000001' });
  await s.ledger.recharge(sys, { idempotencyKey: 'bench-rc', cardNo: '8800000001', paidFen: 10_000_000 });
  const account = await gdb.db.selectFrom('accounts').select('id').where('kind', '=', 'card_principal').executeTakeFirstOrThrow();

  const baseline: number[] = [];
  const spend: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    baseline.push(
      await perOpMs(OPS_PER_RUN, () =>
        inTransaction(gdb, (trx) => trx.updateTable('accounts').set({ may_go_negative: 0 }).where('merchant_id', '=', m.id).where('id', '=', account.id).execute()),
      ),
    );
    spend.push(await perOpMs(OPS_PER_RUN, (i) => s.ledger.spend(sys, { idempotencyKey: `bench-${run}-${i}`, cardNo: '8800000001', amountFen: 1 })));
  }
  const b = summarize(baseline);
  const sp = summarize(spend);
  const ratio = sp.median / b.median;
  console.log(`${dialect}: bare update transaction  ${formatSummary(b, 'ms/op', 3)}`);
  console.log(`${dialect}: ledger spend             ${formatSummary(sp, 'ms/op', 3)}  (${(1000 / sp.median).toFixed(0)} spends/s, one writer)`);
  const ok = sp.median <= TARGET_SPEND_MS;
  console.log(`${dialect}: spend / bare transaction ${ratio.toFixed(1)}×; median spend ${sp.median.toFixed(2)} ms (target ≤ ${TARGET_SPEND_MS} ms) ${ok ? 'OK' : 'MISSED'}`);
  if (!ok) failed = true;
  await gdb.close();
  await target.drop();
}
process.exitCode = failed ? 1 : 0;
