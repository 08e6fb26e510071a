// Builds the downstream snapshot a terminal bootstraps from: its store's settings, the active
// rule set, the price list, and every member and card of the merchant with balances, points
// lots and flags, in chunks small enough for one frame each.
//
// Members and cards are read in keyset pages (id > the last id sent). Everything a member record
// needs besides the member row (cards and their stored-value accounts, points lots, flags,
// coupons) is read for the page's id range (after < member_id <= last id of the page), so each
// query is one range scan of a (merchant_id, member_id …) index whatever the size of the table;
// lists of 2,000 ids made PostgreSQL scan the whole cards table once per page.
import type { CardRecord, MemberRecord, PreparedBody, SnapshotChunkBody, StoreSettings } from '@pos/protocol';
import { CardStatus, MAX_FRAME_BYTES, MAX_MEMBER_COUPONS, canonicalJson, newId } from '@pos/protocol';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { GatewayDb } from '../db/database.js';
import { type Clock, systemClock } from '../context.js';
import { catalogueItemsAfter } from '../catalogue/catalogue-service.js';
import { syncDb } from './sync-tables.js';
import { marketingDb } from '../marketing/marketing-tables.js';

/** Members, cards or catalogue items per delta batch and per lookup by ids. */
export const SNAPSHOT_CHUNK_ITEMS = 2000;
/**
 * Members or cards read per snapshot page, one chunk each (about 1.7 MB of JSON): 10,000 (the
 * protocol's most) was no faster and added ~50 MiB to the terminal's RSS.
 */
export const SNAPSHOT_PAGE_ITEMS = 5_000;
/** JSON of a chunk's items at most: the frame limit less room for the envelope around them. */
const CHUNK_ITEM_BYTES = MAX_FRAME_BYTES - 64 * 1024;

type ChunkItems = Omit<SnapshotChunkBody, 'snapshotId' | 'index' | 'last' | 'cursor'>;
/** A chunk's items with their canonical JSON (RFC 8785), written once and signed as it is. */
type PageOut = { chunk: ChunkItems; itemsJson: string };

/** The members a query covers: a keyset page (every member of the merchant with after < id <= last) or some ids. */
type MemberScope = { after: string; last: string } | { ids: readonly string[] };

const iso = (ms: number) => new Date(ms).toISOString();

export class SnapshotBuilder {
  /** `clock` decides which member coupons have run out (default: the system clock). */
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock = systemClock,
    /** Members or cards per snapshot page (tests make it small to cross page boundaries). */
    private readonly pageItems = SNAPSHOT_PAGE_ITEMS,
  ) {}

  /**
   * The chunks of one snapshot, in order, each with its canonical JSON; the last carries `cursor`.
   * Pages are read lazily so a million members never sit in memory at once.
   */
  async *chunks(merchantId: string, storeId: string, cursor: string, nowMs: number): AsyncGenerator<PreparedBody<'snapshotChunk'>> {
    const snapshotId = newId(nowMs);
    let index = 0;
    const emit = ({ chunk, itemsJson }: PageOut, last: boolean): PreparedBody<'snapshotChunk'> => {
      const body = { ...chunk, snapshotId, index, last, cursor: last ? cursor : null } as SnapshotChunkBody;
      // Keys in RFC 8785 order around the items' canonical JSON: the body is never re-serialised.
      const s = JSON.stringify;
      const canonical = `{"cursor":${s(body.cursor)},"entity":${s(body.entity)},"index":${index},"items":${itemsJson},"last":${last},"snapshotId":${s(snapshotId)}}`;
      index += 1;
      return { type: 'snapshotChunk', body, canonical };
    };
    // One chunk is held back to know which is last; the one after it is read while it is sent.
    const pages = this.pages(merchantId, storeId);
    let following = pages.next();
    try {
      let held = await following;
      if (held.done) {
        yield emit({ chunk: { entity: 'members', items: [] }, itemsJson: '[]' }, true);
        return;
      }
      following = pages.next();
      for (;;) {
        const next = await following;
        if (next.done) {
          yield emit(held.value, true);
          return;
        }
        following = pages.next();
        yield emit(held.value, false);
        held = next;
      }
    } finally {
      // A session closed mid-snapshot: the page being read is let go.
      following.catch(() => undefined);
      void pages.return(undefined).catch(() => undefined);
    }
  }

  private async *pages(merchantId: string, storeId: string): AsyncGenerator<PageOut> {
    const small = (chunk: ChunkItems): PageOut => ({ chunk, itemsJson: canonicalJson(chunk.items) });
    const settings = await this.storeSettings(merchantId, storeId);
    if (settings) yield small({ entity: 'storeSettings', items: [settings] });
    const ruleSet = await this.activeRuleSet(merchantId);
    if (ruleSet) yield small({ entity: 'ruleSet', items: [ruleSet] });
    for (let afterSku = ''; ; ) {
      const items = await catalogueItemsAfter(this.gdb, merchantId, afterSku, SNAPSHOT_CHUNK_ITEMS);
      if (items.length === 0) break;
      yield small({ entity: 'catalogue', items });
      afterSku = items[items.length - 1]!.sku;
      if (items.length < SNAPSHOT_CHUNK_ITEMS) break;
    }
    // Member and card records are built with their keys in canonical order (see memberRecords,
    // toCardRecord), so JSON.stringify writes their canonical JSON.
    let after = '';
    for (;;) {
      const members = await this.memberPage(merchantId, after, this.pageItems);
      if (members.length === 0) break;
      for (const part of splitBySize(members)) yield { chunk: { entity: 'members', items: part.items }, itemsJson: part.json };
      after = members[members.length - 1]!.memberId;
      if (members.length < this.pageItems) break;
    }
    after = '';
    for (;;) {
      const cards = await this.cardPage(merchantId, after, this.pageItems);
      if (cards.items.length === 0) break;
      for (const part of splitBySize(cards.items)) yield { chunk: { entity: 'cards', items: part.items }, itemsJson: part.json };
      after = cards.lastId;
      if (cards.items.length < this.pageItems) break;
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

  /** The members after `afterMemberId` in id order, at most `limit`. */
  async memberPage(merchantId: string, afterMemberId: string, limit = SNAPSHOT_CHUNK_ITEMS): Promise<MemberRecord[]> {
    const db = syncDb(this.gdb);
    const members = await memberQuery(db, merchantId).where('m.id', '>', afterMemberId).orderBy('m.id').limit(limit).execute();
    if (members.length === 0) return [];
    return this.memberRecords(merchantId, members, { after: afterMemberId, last: members[members.length - 1]!.id });
  }

  /** Member records of the given ids (at most SNAPSHOT_CHUNK_ITEMS), for deltas. */
  async membersByIds(merchantId: string, ids: readonly string[]): Promise<MemberRecord[]> {
    if (ids.length === 0) return [];
    const wanted = ids.slice(0, SNAPSHOT_CHUNK_ITEMS);
    const members = await memberQuery(syncDb(this.gdb), merchantId).where('m.id', 'in', wanted).orderBy('m.id').execute();
    if (members.length === 0) return [];
    return this.memberRecords(merchantId, members, { ids: members.map((m) => m.id) });
  }

  private async memberRecords(merchantId: string, members: MemberRow[], scope: MemberScope): Promise<MemberRecord[]> {
    const db = syncDb(this.gdb);
    // Independent reads, sent together (one round trip of waiting instead of four).
    const [cards, lots, flags, coupons] = await Promise.all([
      // Stored value lives on the accounts of a member's cards (a linked card draws on its main card).
      db
        .selectFrom('cards')
        .innerJoin('card_types', (j) => j.onRef('card_types.merchant_id', '=', 'cards.merchant_id').onRef('card_types.id', '=', 'cards.card_type_id'))
        .leftJoin('accounts as principal', (j) =>
          j.onRef('principal.merchant_id', '=', 'cards.merchant_id').on('principal.kind', '=', 'card_principal').on('principal.owner_id', '=', storedValueOwner),
        )
        .leftJoin('accounts as bonus', (j) =>
          j.onRef('bonus.merchant_id', '=', 'cards.merchant_id').on('bonus.kind', '=', 'card_bonus').on('bonus.owner_id', '=', storedValueOwner),
        )
        .select(['cards.member_id', storedValueOwner.as('owner'), 'principal.balance as principal', 'bonus.balance as bonus'])
        .where('cards.merchant_id', '=', merchantId)
        .where((eb) => inScope(eb, 'cards.member_id', scope))
        .where('cards.status', 'in', ['active', 'lost', 'frozen'])
        .execute(),
      // One lot per expiry day, named by its oldest lot: each sale earns a lot, so a regular's record
      // grew by a lot per purchase (the engine takes at most 1,000), and every delta of that member
      // re-sent them all to every till. The till only needs how many points expire when; it spends
      // them by expiry day, then lot id, which the grouping keeps.
      db
        .selectFrom('points_lots')
        .select((eb) => ['member_id', 'expires_on', eb.fn.min<string>('id').as('id'), eb.fn.sum<string>('points_remaining').as('points_remaining')])
        .where('merchant_id', '=', merchantId)
        .where((eb) => inScope(eb, 'member_id', scope))
        .where('points_remaining', '>', 0)
        .groupBy(['member_id', 'expires_on'])
        .orderBy('id')
        .execute(),
      db
        .selectFrom('member_flags')
        .select(['member_id', 'flag'])
        .where('merchant_id', '=', merchantId)
        .where((eb) => inScope(eb, 'member_id', scope))
        .where('cleared_at', 'is', null)
        .execute(),
      // Unredeemed coupons, so the till can present them offline; the till skips those out of their window.
      marketingDb(this.gdb)
        .selectFrom('member_coupons')
        .select(['member_id', 'code', 'definition_id', 'valid_from', 'valid_until'])
        .where('merchant_id', '=', merchantId)
        .where((eb) => inScope(eb, 'member_id', scope))
        .where('status', '=', 'issued')
        .where('valid_until', '>', this.clock.nowMs())
        .orderBy('member_id')
        .orderBy('valid_until')
        .orderBy('code')
        .execute(),
    ]);
    // Per member, each stored-value owner once (two linked cards of one main card count it once).
    const storedValue = new Map<string, Map<string, { principal: number; bonus: number }>>();
    for (const c of cards) {
      const owners = storedValue.get(c.member_id) ?? new Map<string, { principal: number; bonus: number }>();
      owners.set(c.owner, { principal: Number(c.principal ?? 0), bonus: Number(c.bonus ?? 0) });
      storedValue.set(c.member_id, owners);
    }
    // Grouped once, so a chunk costs O(rows), not O(members × rows).
    const couponsByMember = groupBy(coupons, (c) => c.member_id);
    const lotsByMember = groupBy(lots, (l) => l.member_id);
    const flagsByMember = groupBy(flags, (f) => f.member_id);
    return members.map((m) => {
      let principalFen = 0;
      let bonusFen = 0;
      for (const owner of storedValue.get(m.id)?.values() ?? []) {
        principalFen += owner.principal;
        bonusFen += owner.bonus;
      }
      const memberFlags = [...new Set((flagsByMember.get(m.id) ?? []).map((f) => f.flag))].filter(
        (f): f is 'overdraft' | 'blocked' => f === 'overdraft' || f === 'blocked',
      );
      // Keys in canonical (sorted) order, see pages().
      return {
        birthday: m.birthday,
        ...(m.code_secret ? { codeSecret: m.code_secret } : {}),
        ...(couponsByMember.has(m.id)
          ? {
              coupons: couponsByMember
                .get(m.id)!
                .slice(0, MAX_MEMBER_COUPONS)
                .map((c) => ({ code: c.code, couponDefId: c.definition_id, validFrom: iso(Number(c.valid_from)), validUntil: iso(Number(c.valid_until)) })),
            }
          : {}),
        flags: memberFlags,
        growth: Number(m.growth),
        memberId: m.id,
        name: m.name,
        phone: m.phone,
        pointsBalance: Number(m.points_balance ?? 0),
        pointsLots: (lotsByMember.get(m.id) ?? []).map((l) => ({ expiresOn: l.expires_on, lotId: l.id, points: Number(l.points_remaining) })),
        status: m.status === 'active' ? 'active' : 'disabled',
        storedValue: { bonusFen, principalFen },
        tierId: m.tier_id,
        updatedAt: iso(Number(m.updated_at)),
      } satisfies MemberRecord;
    });
  }

  /** The cards after `afterCardId` in id order, at most `limit`. */
  async cardPage(merchantId: string, afterCardId: string, limit = SNAPSHOT_CHUNK_ITEMS): Promise<{ items: CardRecord[]; lastId: string }> {
    // The page's upper bound first (an index-only walk), so the joined read is a bounded range
    // scan: with ORDER BY … LIMIT over the join PostgreSQL sorted the whole table for each page.
    const bound = await syncDb(this.gdb)
      .selectFrom('cards')
      .select('id')
      .where('merchant_id', '=', merchantId)
      .where('id', '>', afterCardId)
      .orderBy('id')
      .limit(1)
      .offset(limit - 1)
      .executeTakeFirst();
    const rows = await this.cardRows(merchantId, (q) => {
      const from = q.where('cards.id', '>', afterCardId);
      return (bound ? from.where('cards.id', '<=', bound.id) : from).orderBy('cards.id');
    });
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
    .selectFrom('members as m')
    .leftJoin('accounts as points', (j) => j.onRef('points.merchant_id', '=', 'm.merchant_id').on('points.kind', '=', 'member_points').onRef('points.owner_id', '=', 'm.id'))
    .select(['m.id', 'm.name', 'm.phone', 'm.tier_id', 'm.birthday', 'm.status', 'm.growth', 'm.updated_at', 'm.code_secret', 'points.balance as points_balance'])
    .where('m.merchant_id', '=', merchantId);
}
type MemberRow = Awaited<ReturnType<ReturnType<typeof memberQuery>['execute']>>[number];

/** The account a card's stored value is on: a linked card's main card, else the card itself. */
const storedValueOwner = sql<string>`case when card_types.kind = 'linked' and cards.main_card_id is not null then cards.main_card_id else cards.id end`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one condition for columns of several tables
function inScope(eb: ExpressionBuilder<any, any>, column: string, scope: MemberScope): Expression<SqlBool> {
  if ('ids' in scope) return eb(column, 'in', scope.ids.length > 0 ? [...scope.ids] : ['']);
  return eb.and([eb(column, '>', scope.after), eb(column, '<=', scope.last)]);
}

/** Splits items so that each part's JSON fits in one frame (members with many coupons are large). */
function splitBySize<T>(items: T[]): Array<{ items: T[]; json: string }> {
  const json = JSON.stringify(items);
  // A string's UTF-8 is at most 3 bytes per UTF-16 unit: most pages need no exact count.
  if (items.length <= 1 || json.length * 3 <= CHUNK_ITEM_BYTES || Buffer.byteLength(json, 'utf8') <= CHUNK_ITEM_BYTES) return [{ items, json }];
  const half = Math.ceil(items.length / 2);
  return [...splitBySize(items.slice(0, half)), ...splitBySize(items.slice(half))];
}

/** A status this protocol version does not know reaches the till as frozen (no offline spending). */
const KNOWN_CARD_STATUS: ReadonlySet<string> = new Set(CardStatus.options);

function toCardRecord(r: CardRow): CardRecord {
  // Keys in canonical (sorted) order, see SnapshotBuilder.pages().
  return {
    cardNo: r.card_no,
    cardTypeId: r.card_type_id,
    mainCardNo: r.main_card_no ?? null,
    memberId: r.member_id,
    offlineLimitFen: Number(r.offline_limit_fen),
    status: KNOWN_CARD_STATUS.has(r.status) ? (r.status as CardRecord['status']) : 'frozen',
    uids: JSON.parse(r.uids) as string[],
    updatedAt: iso(Number(r.updated_at)),
  };
}
