// bench/member-search: the console's search-as-you-type (GET /v1/member-lookup) over HTTP against a
// gateway on PostgreSQL holding 1,000,000 members in 100 stores (dedicated database, dropped at the
// end). Phone prefix, card-number prefix, name prefix and #tag, as HQ (whole merchant) and as a store
// manager (one store: the scope filter applies). Target: p99 < 200 ms per kind. Baseline measured in
// the same run: GET /v1/auth/me (token check only), so the ratio shows what the search itself adds.
// For comparison it also times the list filter `GET /v1/members?name=` (a substring match, which
// no btree index serves) on a fragment no member has.
import pg from 'pg';
import pino from 'pino';
import { DEMO_PASSWORD, seedDemo } from '../gateway/src/demo/seed-demo.js';
import { startGateway } from '../gateway/src/index.js';
import { systemActor } from '../gateway/src/context.js';
import { percentile, summarize } from './stats.js';
import { createPgDatabase } from './support/pg-database.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const STORES = 100;
const QUERIES_PER_KIND = 200;
const TARGET_P99_MS = 200;
const ULID_DIGITS = 19;
const SURNAMES = ['张', '王', '李', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平'];

const db = await createPgDatabase('bench_search');
if (!db) {
  console.log('PostgreSQL not reachable at 127.0.0.1:5432: skipped');
  process.exit(0);
}
const log = pino({ level: 'silent' });
const gateway = await startGateway({ databaseUrl: db.url, port: 0, logger: log });
let failed = false;
try {
  // ── seed: the demo merchant, 97 more stores, then 1M members cloned server-side ─────────────
  const s = gateway.services;
  const seed = await seedDemo(s);
  const sys = systemActor(seed.merchantId);
  const region = (await s.gdb.db.selectFrom('regions').select('id').where('merchant_id', '=', seed.merchantId).executeTakeFirstOrThrow()).id;
  for (let i = seed.storeIds.length; i < STORES; i += 1) await s.hierarchy.createStore(sys, { regionId: region, code: `B${String(i).padStart(3, '0')}`, name: `门店${i}` });
  const stores = (await s.gdb.db.selectFrom('stores').select('id').where('merchant_id', '=', seed.merchantId).orderBy('id').execute()).map((r) => r.id);
  const managerStore = seed.storeIds[0]!; // sh01-manager's store
  const template = await s.gdb.db.selectFrom('members').select('id').where('merchant_id', '=', seed.merchantId).where('phone', '=', '+8613900001001').executeTakeFirstOrThrow();

  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const seedStarted = Date.now();
  const columns = async (table: string) =>
    (await client.query<{ column_name: string }>(`select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position`, [table])).rows.map((r) => r.column_name);
  const memberId = `'01JSRCH' || lpad(g::text, ${ULID_DIGITS}, '0')`;
  // Surname and given name vary independently of the store (g mod 100), so every store has every surname.
  const name = `(array[${SURNAMES.map((x) => `'${x}'`).join(',')}])[1 + (g / ${STORES}) % ${SURNAMES.length}] || (array[${GIVEN.map((x) => `'${x}'`).join(',')}])[1 + (g / ${STORES * SURNAMES.length}) % ${GIVEN.length}] || (g % 1000)::text`;
  const store = `($2::text[])[1 + g % ${stores.length}]`;
  // 7919 is coprime with 10, so g·7919 mod 10^10 is a different 10-digit tail for every g: unique phones.
  const phone = `'+861' || lpad(((g::bigint * 7919) % 10000000000)::text, 10, '0')`;
  const clone = async (table: string, overrides: Record<string, string>, where: string) => {
    const cols = await columns(table);
    const select = cols.map((c) => overrides[c] ?? `t."${c}"`).join(', ');
    await client.query(
      `insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) select ${select} from "${table}" t, generate_series(1, ${MEMBERS}) g where t.merchant_id = $1 and ${where}`,
      [seed.merchantId, stores, template.id],
    );
  };
  await clone('members', { id: memberId, name, name_lower: name, phone, store_id: store, code_secret: 'null' }, `t.id = $3`);
  await clone('cards', { id: `'01JSCRD' || lpad(g::text, ${ULID_DIGITS}, '0')`, card_no: `'8802' || lpad(g::text, 12, '0')`, member_id: memberId, store_id: store, main_card_id: 'null', uids: `'[]'` }, `t.member_id = $3 and t.main_card_id is null and $2::text[] is not null`);
  const tagCols = await columns('member_tags');
  const tagInsert = (tag: string, every: number) =>
    client.query(
      `insert into member_tags (${tagCols.map((c) => `"${c}"`).join(', ')}) select ${tagCols.map((c) => (c === 'member_id' ? memberId : c === 'tag' ? `'${tag}'` : `t."${c}"`)).join(', ')} from member_tags t, generate_series(1, ${MEMBERS}) g where t.merchant_id = $1 and t.member_id = $2 and g % ${every} = 0 limit ${MEMBERS}`,
      [seed.merchantId, template.id],
    );
  await tagInsert('vip', 10);
  await tagInsert('新客', 7);
  await client.query('analyze members; analyze cards; analyze member_tags');
  const counts = (await client.query<{ m: string; c: string; t: string }>(`select (select count(*) from members) m, (select count(*) from cards) c, (select count(*) from member_tags) t`)).rows[0]!;
  console.log(`seeded ${counts.m} members, ${counts.c} cards, ${counts.t} tags in ${stores.length} stores in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
  const sample = (await client.query<{ phone: string; card_no: string; name: string }>(
    `select m.phone, c.card_no, m.name from members m join cards c on c.member_id = m.id where m.id like '01JSRCH%' and m.store_id = $1 order by m.id limit ${QUERIES_PER_KIND}`,
    [managerStore],
  )).rows;
  await client.end();

  // ── measure over HTTP ───────────────────────────────────────────────────────────────────────
  const token = async (username: string) => {
    const r = await fetch(`${gateway.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ merchantCode: 'demo', username, password: DEMO_PASSWORD }) });
    return ((await r.json()) as { token: string }).token;
  };
  const timed = async (bearer: string, path: string): Promise<{ ms: number; count: number }> => {
    const start = process.hrtime.bigint();
    const r = await fetch(gateway.url + path, { headers: { authorization: `Bearer ${bearer}` } });
    const body = (await r.json()) as { items?: unknown[] };
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status} ${JSON.stringify(body)}`);
    return { ms, count: body.items?.length ?? 0 };
  };
  const kinds: [string, (i: number) => string][] = [
    ['phone prefix, 3 digits', (i) => sample[i % sample.length]!.phone.slice(3, 6)],
    ['phone prefix, 7 digits', (i) => sample[i % sample.length]!.phone.slice(3, 10)],
    ['phone, 11 digits', (i) => sample[i % sample.length]!.phone.slice(3)],
    ['card prefix, 10 digits', (i) => sample[i % sample.length]!.card_no.slice(0, 10)],
    ['name prefix, surname', (i) => SURNAMES[i % SURNAMES.length]!],
    ['name prefix, full name', (i) => sample[i % sample.length]!.name],
    ['#tag', (i) => (i % 2 ? '#vip' : '#新客')],
  ];
  const rows: string[] = [];
  for (const [who, username] of [['HQ', 'hq'], ['store manager', 'sh01-manager']] as const) {
    const bearer = await token(username);
    for (let i = 0; i < 20; i += 1) await timed(bearer, '/v1/member-lookup?q=139'); // warm-up
    const base: number[] = [];
    for (let i = 0; i < QUERIES_PER_KIND; i += 1) base.push((await timed(bearer, '/v1/auth/me')).ms);
    const baseMedian = summarize(base).median;
    rows.push(`${who}: baseline GET /v1/auth/me median ${baseMedian.toFixed(2)} ms`);
    for (const [kind, q] of kinds) {
      const ms: number[] = [];
      let empty = 0;
      for (let i = 0; i < QUERIES_PER_KIND; i += 1) {
        const r = await timed(bearer, `/v1/member-lookup?q=${encodeURIComponent(q(i))}`);
        ms.push(r.ms);
        if (r.count === 0) empty += 1;
      }
      const sorted = [...ms].sort((a, b) => a - b);
      const sum = summarize(ms);
      const p99 = percentile(sorted, 99);
      const ok = p99 < TARGET_P99_MS && empty === 0;
      if (!ok) failed = true;
      rows.push(
        `${who.padEnd(13)} ${kind.padEnd(24)} min ${sum.min.toFixed(1)} / p50 ${sum.median.toFixed(1)} / p99 ${p99.toFixed(1)} / max ${sum.max.toFixed(1)} ms  ×${(sum.median / baseMedian).toFixed(1)} baseline  ${empty ? `${empty} empty answers ` : ''}${ok ? 'OK' : 'MISS'}`,
      );
    }
    const contains: number[] = [];
    for (let i = 0; i < 5; i += 1) contains.push((await timed(bearer, `/v1/members?name=${encodeURIComponent('不存在的名字')}`)).ms);
    const c = summarize(contains);
    rows.push(`${who.padEnd(13)} list filter name contains (no index) min ${c.min.toFixed(1)} / median ${c.median.toFixed(1)} / max ${c.max.toFixed(1)} ms (for comparison; not the console's search)`);
  }
  console.log(`member search over HTTP, ${MEMBERS.toLocaleString('en-US')} members on PostgreSQL, ${QUERIES_PER_KIND} queries per kind, target p99 < ${TARGET_P99_MS} ms`);
  for (const r of rows) console.log('  ' + r);
} finally {
  await gateway.close();
  await db.drop();
}
process.exitCode = failed ? 1 : 0;
