// Builds the downstream snapshot a terminal bootstraps from: its store's settings, the active
// rule set, the price list, and every member and card of the merchant with balances, points
// lots and flags, in chunks small enough for one frame each.
import type { CardRecord, MemberRecord, SnapshotChunkBody, StoreSettings } from '@pos/protocol';
import { CardStatus, MAX_MEMBER_COUPONS, newId } from '@pos/protocol';
import type { GatewayDb } from '../db/database.js';
import { type Clock, systemClock } from '../context.js';
import { catalogueItemsAfter } from '../catalogue/catalogue-service.js';
import { syncDb } from './sync-tables.js';
import { marketingDb } from '../marketing/marketing-tables.js';

/** Members or cards per chunk: about 1 MB of JSON, well under the 4 MiB frame limit. */
export const SNAPSHOT_CHUNK_ITEMS = 2000;

type ChunkItems = Omit<SnapshotChunkBody, 'snapshotId' | 'index' | 'last' | 'cursor'>;

const iso = (ms: number) => new Date(ms).toISOString();

export class SnapshotBuilder {
  /** `clock` decides which member coupons have run out (default: the system clock). */
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * The chunks of one snapshot, in order; the last carries `cursor`. Pages are read lazily so a
   * million members never sit in memory at once.
   */
  async *chunks(merchantId: string, storeId: string, cursor: string, nowMs: number): AsyncGenerator<SnapshotChunkBody> {
    const snapshotId = newId(nowMs);
    let index = 0;
    let pending: ChunkItems | null = null;
    const emit = (items: ChunkItems, last: boolean): SnapshotChunkBody =>
      ({ ...items, snapshotId, index: index++, last, cursor: last ? cursor : null }) as SnapshotChunkBody;

    for await (const items of this.pages(merchantId, storeId)) {
      if (pending) yield emit(pending, false);
      pending = items;
    }
    yield emit(pending ?? { entity: 'members', items: [] }, true);
  }

  private async *pages(merchantId: string, storeId: string): AsyncGenerator<ChunkItems> {
    const settings = await this.storeSettings(merchantId, storeId);
    if (settings) yield { entity: 'storeSettings', items: [settings] };
    const ruleSet = await this.activeRuleSet(merchantId);
    if (ruleSet) yield { entity: 'ruleSet', items: [ruleSet] };
    for (let afterSku = ''; ; ) {
      const items = await catalogueItemsAfter(this.gdb, merchantId, afterSku, SNAPSHOT_CHUNK_ITEMS);
      if (items.length === 0) break;
      yield { entity: 'catalogue', items };
      afterSku = items[items.length - 1]!.sku;
      if (items.length < SNAPSHOT_CHUNK_ITEMS) break;
    }
    let after = '';
    for (;;) {
      const members = await this.memberPage(merchantId, after);
      if (members.length === 0) break;
      yield { entity: 'members', items: members };
      after = members[members.length - 1]!.memberId;
      if (members.length < SNAPSHOT_CHUNK_ITEMS) break;
    }
    after = '';
    for (;;) {
      const cards = await this.cardPage(merchantId, after);
      if (cards.items.length === 0) break;
      yield { entity: 'cards', items: cards.items };
      after = cards.lastId;
      if (cards.items.length < SNAPSHOT_CHUNK_ITEMS) break;
    }
  }

  private async storeSettings(merchantId: string, storeId: string): Promise<StoreSettings | null> {
    const store = await syncDb(this.gdb)
      .selectFrom('stores')
      .select(['id', 'name', 'address'])
      .where('merchant_id', '=', merchantId)
      .where('id', '=', storeId)
      .executeTakeFirst();
    if (!store) return null;
    // No per-store 抹零 yet: the merchant's rule set decides for every store.
    return { storeId: store.id, name: { zh: store.name, en: store.name }, address: store.address, timezone: 'Asia/Shanghai' };
  }

  async activeRuleSet(merchantId: string) {
    const row = await syncDb(this.gdb)
      .selectFrom('rule_set_versions')
      .select(['id', 'version', 'content', 'published_at'])
      .where('merchant_id', '=', merchantId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return null;
    return { ruleSetId: row.id, version: Number(row.version), publishedAt: iso(Number(row.published_at)), rules: JSON.parse(row.content) as unknown };
  }

  async memberPage(merchantId: string, afterMemberId: string): Promise<MemberRecord[]> {
    return this.memberRecords(merchantId, (q) => q.where('id', '>', afterMemberId).orderBy('id').limit(SNAPSHOT_CHUNK_ITEMS));
  }

  /** Member records of the given ids (at most SNAPSHOT_CHUNK_ITEMS), for deltas. */
  async membersByIds(merchantId: string, ids: readonly string[]): Promise<MemberRecord[]> {
    if (ids.length === 0) return [];
    return this.memberRecords(merchantId, (q) => q.where('id', 'in', ids.slice(0, SNAPSHOT_CHUNK_ITEMS)).orderBy('id'));
  }

  private async memberRecords(merchantId: string, narrow: (q: MemberQuery) => MemberQuery): Promise<MemberRecord[]> {
    const db = syncDb(this.gdb);
    const members = await narrow(memberQuery(db, merchantId)).execute();
    if (members.length === 0) return [];
    const ids = members.map((m) => m.id);
    // Stored value lives on the accounts of a member's cards (a linked card draws on its main card).
    const cards = await db
      .selectFrom('cards')
      .innerJoin('card_types', (j) => j.onRef('card_types.merchant_id', '=', 'cards.merchant_id').onRef('card_types.id', '=', 'cards.card_type_id'))
      .select(['cards.id', 'cards.member_id', 'cards.main_card_id', 'card_types.kind'])
      .where('cards.merchant_id', '=', merchantId)
      .where('cards.member_id', 'in', ids)
      .where('cards.status', 'in', ['active', 'lost', 'frozen'])
      .execute();
    const ownersByMember = new Map<string, Set<string>>();
    for (const c of cards) {
      const owner = c.kind === 'linked' && c.main_card_id !== null ? c.main_card_id : c.id;
      const set = ownersByMember.get(c.member_id) ?? new Set<string>();
      set.add(owner);
      ownersByMember.set(c.member_id, set);
    }
    const owners = [...new Set(cards.map((c) => (c.kind === 'linked' && c.main_card_id !== null ? c.main_card_id : c.id)))];
    const accounts = await db
      .selectFrom('accounts')
      .select(['kind', 'owner_id', 'balance'])
      .where('merchant_id', '=', merchantId)
      .where((eb) =>
        eb.or([
          eb.and([eb('kind', 'in', ['card_principal', 'card_bonus']), eb('owner_id', 'in', owners.length > 0 ? owners : [''])]),
          eb.and([eb('kind', '=', 'member_points'), eb('owner_id', 'in', ids)]),
        ]),
      )
      .execute();
    const balance = new Map(accounts.map((a) => [`${a.kind}:${a.owner_id}`, Number(a.balance)]));
    const lots = await db
      .selectFrom('points_lots')
      .select(['id', 'member_id', 'points_remaining', 'expires_on'])
      .where('merchant_id', '=', merchantId)
      .where('member_id', 'in', ids)
      .where('points_remaining', '>', 0)
      .orderBy('id')
      .execute();
    const flags = await db
      .selectFrom('member_flags')
      .select(['member_id', 'flag'])
      .where('merchant_id', '=', merchantId)
      .where('member_id', 'in', ids)
      .where('cleared_at', 'is', null)
      .execute();
    // Unredeemed coupons, so the till can present them offline; the till skips those out of their window.
    const coupons = await marketingDb(this.gdb)
      .selectFrom('member_coupons')
      .select(['member_id', 'code', 'definition_id', 'valid_from', 'valid_until'])
      .where('merchant_id', '=', merchantId)
      .where('member_id', 'in', ids)
      .where('status', '=', 'issued')
      .where('valid_until', '>', this.clock.nowMs())
      .orderBy('member_id')
      .orderBy('valid_until')
      .orderBy('code')
      .execute();
    // Grouped once, so a chunk costs O(rows), not O(members × rows).
    const couponsByMember = groupBy(coupons, (c) => c.member_id);
    const lotsByMember = groupBy(lots, (l) => l.member_id);
    const flagsByMember = groupBy(flags, (f) => f.member_id);
    return members.map((m) => {
      const memberOwners = [...(ownersByMember.get(m.id) ?? [])];
      const sum = (kind: string) => memberOwners.reduce((s, owner) => s + (balance.get(`${kind}:${owner}`) ?? 0), 0);
      const memberFlags = [...new Set((flagsByMember.get(m.id) ?? []).map((f) => f.flag))].filter(
        (f): f is 'overdraft' | 'blocked' => f === 'overdraft' || f === 'blocked',
      );
      return {
        memberId: m.id,
        name: m.name,
        phone: m.phone,
        tierId: m.tier_id,
        birthday: m.birthday,
        status: m.status === 'active' ? 'active' : 'disabled',
        storedValue: { principalFen: sum('card_principal'), bonusFen: sum('card_bonus') },
        pointsBalance: balance.get(`member_points:${m.id}`) ?? 0,
        pointsLots: (lotsByMember.get(m.id) ?? []).map((l) => ({ lotId: l.id, points: Number(l.points_remaining), expiresOn: l.expires_on })),
        growth: Number(m.growth),
        flags: memberFlags,
        ...(m.code_secret ? { codeSecret: m.code_secret } : {}),
        ...(couponsByMember.has(m.id)
          ? {
              coupons: couponsByMember
                .get(m.id)!
                .slice(0, MAX_MEMBER_COUPONS)
                .map((c) => ({ code: c.code, couponDefId: c.definition_id, validFrom: iso(Number(c.valid_from)), validUntil: iso(Number(c.valid_until)) })),
            }
          : {}),
        updatedAt: iso(Number(m.updated_at)),
      } satisfies MemberRecord;
    });
  }

  async cardPage(merchantId: string, afterCardId: string): Promise<{ items: CardRecord[]; lastId: string }> {
    const rows = await this.cardRows(merchantId, (q) => q.where('cards.id', '>', afterCardId).orderBy('cards.id').limit(SNAPSHOT_CHUNK_ITEMS));
    return { items: rows.map(toCardRecord), lastId: rows.length > 0 ? rows[rows.length - 1]!.id : afterCardId };
  }

  /** Card records of the given card numbers (at most SNAPSHOT_CHUNK_ITEMS), for deltas. */
  async cardsByNumbers(merchantId: string, cardNos: readonly string[]): Promise<CardRecord[]> {
    if (cardNos.length === 0) return [];
    const rows = await this.cardRows(merchantId, (q) => q.where('cards.card_no', 'in', cardNos.slice(0, SNAPSHOT_CHUNK_ITEMS)).orderBy('cards.id'));
    return rows.map(toCardRecord);
  }

  private cardRows(merchantId: string, narrow: (q: CardQuery) => CardQuery) {
    return narrow(cardQuery(syncDb(this.gdb), merchantId)).execute();
  }
}

function cardQuery(db: ReturnType<typeof syncDb>, merchantId: string) {
  return db
      .selectFrom('cards')
      .innerJoin('card_types', (j) => j.onRef('card_types.merchant_id', '=', 'cards.merchant_id').onRef('card_types.id', '=', 'cards.card_type_id'))
      .leftJoin('cards as main', (j) => j.onRef('main.merchant_id', '=', 'cards.merchant_id').onRef('main.id', '=', 'cards.main_card_id'))
      .select([
        'cards.id',
        'cards.card_no',
        'cards.member_id',
        'cards.card_type_id',
        'cards.status',
        'cards.uids',
        'cards.updated_at',
        'card_types.offline_limit_fen',
        'main.card_no as main_card_no',
      ])
      .where('cards.merchant_id', '=', merchantId);
}

type CardQuery = ReturnType<typeof cardQuery>;
type CardRow = Awaited<ReturnType<CardQuery['execute']>>[number];
function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

function memberQuery(db: ReturnType<typeof syncDb>, merchantId: string) {
  return db
    .selectFrom('members')
    .select(['id', 'name', 'phone', 'tier_id', 'birthday', 'status', 'growth', 'updated_at', 'code_secret'])
    .where('merchant_id', '=', merchantId);
}
type MemberQuery = ReturnType<typeof memberQuery>;

function toCardRecord(r: CardRow): CardRecord {
  return {
    cardNo: r.card_no,
    memberId: r.member_id,
    cardTypeId: r.card_type_id,
    status: CardStatus.catch('frozen').parse(r.status),
    uids: JSON.parse(r.uids) as string[],
    offlineLimitFen: Number(r.offline_limit_fen),
    mainCardNo: r.main_card_no ?? null,
    updatedAt: iso(Number(r.updated_at)),
  };
}
