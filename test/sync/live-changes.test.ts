// Downstream changes, on SQLite and PostgreSQL, with two gateway instances on one database: a
// change made through instance B reaches a terminal connected to instance A while it is online,
// and a terminal that was away catches up from its cursor with deltas instead of a snapshot.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, systemActor, type RunningGateway } from '../../gateway/src/index.js';
import { ChangeFeed, SnapshotBuilder, cursorOf, cursorTime } from '../../gateway/src/sync/index.js';
import { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient } from '../../terminal/src/sync/index.js';
import { createTestDatabase, DIALECTS, silentLogger, type TestDatabase } from '../gateway/harness.js';

describe.each(DIALECTS)('live changes on %s', (dialect) => {
  let db: TestDatabase;
  let a: RunningGateway;
  let b: RunningGateway;
  let dir: string;
  let store: LocalStore;
  let client: SyncClient | null = null;
  let merchantId: string;
  let memberId: string;
  let terminal: { terminalId: string; secret: string };
  const cardNo = '6200000000001234';

  function connect(): SyncClient {
    client = new SyncClient({
      url: `${a.url.replace('http', 'ws')}/v1/sync`,
      terminalId: terminal.terminalId,
      secret: terminal.secret,
      store,
      softwareVersion: 'test',
      initialReconnectDelayMs: 20,
      random: () => 0.5,
    });
    client.start();
    return client;
  }

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    a = await startGateway({ databaseUrl: db.url, port: 0, logger: silentLogger });
    b = await startGateway({ databaseUrl: db.url, port: 0, logger: silentLogger });
    const s = a.services;
    const merchant = await s.hierarchy.createMerchant({ code: `LIVE${dialect.slice(0, 1)}`, name: '实时' });
    merchantId = merchant.id;
    const sys = systemActor(merchantId);
    const region = await s.hierarchy.createRegion(sys, { name: '华东' });
    const shop = await s.hierarchy.createStore(sys, { regionId: region.id, code: 'L1', name: '一店' });
    const type = await s.cards.createCardType(sys, { name: '普通卡', kind: 'personal', level: 'regular', discountPerMille: 1000, offlineLimitFen: 5000, tierId: null });
    const member = await s.members.createMember(sys, { name: '李雷', phone: '13700000001', storeId: shop.id });
    memberId = member.id;
    await s.cards.issueCard(sys, { memberId, cardTypeId: type.id, cardNo });
    const t = await s.hierarchy.createTerminal(sys, { storeId: shop.id, name: 'POS-1' });
    const { code } = await a.sync.keys.issueEnrolmentCode(merchantId, t.id, null);
    terminal = await a.sync.keys.redeem(code);
    dir = mkdtempSync(join(tmpdir(), `pos-live-${dialect}-`));
    store = LocalStore.open(join(dir, 'terminal.db'));
  });

  afterAll(async () => {
    await client?.stop();
    store?.close();
    await a?.close();
    await b?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a member edited through instance B reaches the terminal on instance A within a second', async () => {
    connect();
    await expect.poll(() => store.members.member(memberId)?.name, { timeout: 10_000 }).toBe('李雷');
    await b.services.members.updateMember(systemActor(merchantId), memberId, { name: '李雷雷' });
    await expect.poll(() => store.members.member(memberId)?.name, { timeout: 1000, interval: 20 }).toBe('李雷雷');
  });

  it('a stored-value recharge through B shows in the cached balance', async () => {
    await b.services.ledger.recharge(systemActor(merchantId), { idempotencyKey: 'live-rc-1', cardNo, paidFen: 12_300 });
    await expect.poll(() => store.members.member(memberId)?.storedValue.principalFen, { timeout: 1000, interval: 20 }).toBe(12_300);
  });

  it('a rule set published through B runs on the terminal, and HQ sees that version without a reconnect', async () => {
    const sys = systemActor(merchantId);
    const draft = await b.services.ruleSets.createDraft(sys, { name: 'v-live', content: {} });
    const published = await b.services.ruleSets.publish(sys, draft.id);
    await expect.poll(() => store.activeRuleSet()?.version, { timeout: 2000, interval: 20 }).toBe(published.version);
    // The terminal's ping after the delta carries the version it now runs.
    await expect
      .poll(
        async () =>
          (await a.services.gdb.db.selectFrom('terminal_keys' as never).select('rule_set_version' as never).where('terminal_id' as never, '=', terminal.terminalId as never).executeTakeFirst()) as unknown,
        { timeout: 2000, interval: 20 },
      )
      .toEqual({ rule_set_version: published.version });
  });

  it('a terminal that was away catches up from its cursor', async () => {
    await client!.stop();
    const cursorBefore = cursorTime(store.cursor());
    expect(cursorBefore).not.toBeNull();
    await b.services.members.updateMember(systemActor(merchantId), memberId, { name: '韩梅梅' });
    connect();
    await expect.poll(() => store.members.member(memberId)?.name, { timeout: 10_000 }).toBe('韩梅梅');
    expect(cursorTime(store.cursor())!).toBeGreaterThan(cursorBefore!);
  });

  it('deltasSince holds exactly the records changed in the window', async () => {
    const feed = new ChangeFeed(a.services.gdb, new SnapshotBuilder(a.services.gdb), { nowMs: () => Date.now() }, { overlapMs: 0 });
    const before = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await b.services.members.updateMember(systemActor(merchantId), memberId, { name: '李雷' });
    const deltas = await feed.deltasSince(merchantId, before, Date.now());
    expect(deltas).not.toBeNull();
    const members = deltas!.flatMap((d) => d.changes).flatMap((c) => (c.op === 'upsert' && c.change.entity === 'members' ? c.change.items : []));
    expect(members.map((m) => [m.memberId, m.name])).toEqual([[memberId, '李雷']]);
    expect(deltas!.at(-1)!.cursor.startsWith('t:')).toBe(true);
    expect(await feed.deltasSince(merchantId, Date.now() + 10_000, Date.now() + 20_000)).toEqual([]);
    expect(cursorOf(42)).toBe('t:42');
  });

  it('the live poll reads a changed member in the polls right after the change, not in every poll of the overlap', async () => {
    const snapshots = new SnapshotBuilder(a.services.gdb);
    const reads: string[] = [];
    const readMembers = snapshots.membersByIds.bind(snapshots);
    snapshots.membersByIds = async (merchant, ids) => {
      reads.push(...ids);
      return readMembers(merchant, ids);
    };
    // 50 ms polls with a 2 s overlap: before, the member was read in each of the ~40 polls that covered it.
    const feed = new ChangeFeed(a.services.gdb, snapshots, { nowMs: () => Date.now() }, { pollMs: 50, overlapMs: 2000 });
    const pushed: string[] = [];
    let changed = false;
    const unwatch = feed.watch(merchantId, (delta) => {
      // The first polls also push what the earlier tests changed within the overlap.
      if (!changed) return;
      for (const change of delta.body.changes) if (change.op === 'upsert' && change.change.entity === 'members') pushed.push(...change.change.items.map((m) => `${m.memberId}:${m.name}`));
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      changed = true;
      const readsBefore = reads.length;
      await b.services.members.updateMember(systemActor(merchantId), memberId, { name: '李小雷' });
      reads.splice(0, readsBefore);
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      unwatch();
      feed.close();
    }
    expect(pushed).toEqual([`${memberId}:李小雷`]);
    const readsOfMember = reads.filter((id) => id === memberId).length;
    expect(readsOfMember).toBeGreaterThanOrEqual(1);
    expect(readsOfMember).toBeLessThanOrEqual(4);
  });
});
