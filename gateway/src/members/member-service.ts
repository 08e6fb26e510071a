// Members of a merchant: profile, tags, custom attributes, follow-up notes (回访记录), search and
// the full view. A member belongs to a store (where they joined) and is seen through that store's scope.
import type { Kysely } from 'kysely';
import { newId } from '@pos/protocol';
import { writeAudit } from '../audit/audit-log.js';
import { assertStoreVisible, require, storesInScope } from '../auth/permissions.js';
import { findCardsOfMember, storedValueOwner } from '../cards/card-repository.js';
import type { Actor, Clock } from '../context.js';
import { inTransaction, isUniqueViolation, type GatewayDb } from '../db/database.js';
import type { GatewayDatabase } from '../db/schema.js';
import { GatewayError, notFound } from '../errors.js';
import { toPage, type Page, type PageQuery } from '../pagination.js';
import { maskPhone, normalizePhone } from '@pos/protocol';
import { syncDb } from '../sync/sync-tables.js';

export type Gender = 'female' | 'male' | 'unknown';
export type AttributeType = 'text' | 'number' | 'date' | 'enum';
export type AttributeValue = string | number;

export interface AttributeDefinition {
  key: string;
  labelZh: string;
  labelEn: string;
  type: AttributeType;
  options: string[];
}

export interface MemberInput {
  /** Kept when given (a terminal enrols offline with its own ULID); generated otherwise. */
  memberId?: string | undefined;
  name: string;
  phone?: string | null | undefined;
  gender?: Gender | null | undefined;
  birthday?: string | null | undefined;
  anniversary?: string | null | undefined;
  address?: string | null | undefined;
  storeId?: string | undefined;
  referrerId?: string | null | undefined;
  tags?: string[] | undefined;
  attributes?: Record<string, AttributeValue> | undefined;
}

export interface MemberSummary {
  id: string;
  name: string;
  phoneMasked: string | null;
  gender: string | null;
  storeId: string;
  tierId: string | null;
  growth: number;
  status: string;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

export interface MemberDetail extends Omit<MemberSummary, 'phoneMasked'> {
  phone: string | null;
  birthday: string | null;
  anniversary: string | null;
  address: string | null;
  referrerId: string | null;
  attributes: Record<string, AttributeValue>;
  cards: { cardNo: string; cardTypeId: string; status: string; mainCardNo: string | null; principalFen: number; bonusFen: number }[];
  storedValue: { principalFen: number; bonusFen: number };
  points: { balance: number; lots: { lotId: string; points: number; expiresOn: string | null }[] };
  notes: { id: string; staffId: string; body: string; createdAt: number }[];
  growthHistory: { id: string; source: string; delta: number; growthAfter: number; tierBefore: string | null; tierAfter: string | null; change: string; createdAt: number }[];
  /** Sales and refunds synced from the tills, newest first. */
  orders: MemberOrder[];
}

export interface MemberOrder {
  eventId: string;
  type: 'saleCommitted' | 'saleRefunded';
  saleId: string;
  receiptNo: string;
  storeId: string;
  occurredAt: string;
  /** Paid for a sale, paid back for a refund. */
  amountFen: number;
  pointsEarned: number;
}

export interface MemberSearch extends PageQuery {
  phone?: string | undefined;
  /** The last 4 digits of the phone (手机尾号), as cashiers ask for them. */
  phoneTail?: string | undefined;
  cardNo?: string | undefined;
  name?: string | undefined;
  tag?: string | undefined;
}

export const MAX_TAGS = 32;
export const MAX_NOTES_IN_VIEW = 50;

type MemberRow = GatewayDatabase['members'];

export class MemberService {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
  ) {}

  private get db() {
    return this.gdb.db;
  }

  // ---- custom attributes ----------------------------------------------------------------------

  async defineAttribute(actor: Actor, def: AttributeDefinition): Promise<AttributeDefinition> {
    require(actor, 'memberAttributes.write');
    if (def.type === 'enum' && def.options.length === 0) throw new GatewayError('VALIDATION', '枚举需要选项 / an enum needs options', 'options');
    const now = this.clock.nowMs();
    try {
      await inTransaction(this.gdb, async (trx) => {
        await trx
          .insertInto('attribute_definitions')
          .values({ merchant_id: actor.merchantId, key: def.key, label_zh: def.labelZh, label_en: def.labelEn, type: def.type, options: JSON.stringify(def.options), created_at: now })
          .execute();
        await writeAudit(trx, actor, now, { action: 'attribute.define', entityType: 'attribute', entityId: def.key, after: def });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new GatewayError('CONFLICT', '属性已存在 / attribute already defined', 'key');
      throw error;
    }
    return def;
  }

  async listAttributes(actor: Actor): Promise<AttributeDefinition[]> {
    require(actor, 'member.read');
    const rows = await this.db.selectFrom('attribute_definitions').selectAll().where('merchant_id', '=', actor.merchantId).orderBy('key').execute();
    return rows.map((r) => ({ key: r.key, labelZh: r.label_zh, labelEn: r.label_en, type: r.type as AttributeType, options: JSON.parse(r.options) as string[] }));
  }

  private async validateAttributes(actor: Actor, attributes: Record<string, AttributeValue>): Promise<void> {
    const defs = new Map((await this.listAttributes(actor)).map((d) => [d.key, d]));
    for (const [key, value] of Object.entries(attributes)) {
      const def = defs.get(key);
      const field = `attributes.${key}`;
      if (!def) throw new GatewayError('VALIDATION', `未定义的属性 ${key} / unknown attribute ${key}`, field);
      const ok =
        (def.type === 'text' && typeof value === 'string' && value.length <= 500) ||
        (def.type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
        (def.type === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) ||
        (def.type === 'enum' && typeof value === 'string' && def.options.includes(value));
      if (!ok) throw new GatewayError('VALIDATION', `属性 ${key} 应为 ${def.type} / attribute ${key} must be a valid ${def.type}`, field);
    }
  }

  // ---- members --------------------------------------------------------------------------------

  private phoneOrThrow(raw: string | null | undefined): string | null {
    if (raw === undefined || raw === null || raw === '') return null;
    const e164 = normalizePhone(raw);
    if (e164 === null) throw new GatewayError('VALIDATION', '手机号无效 / invalid phone number', 'phone');
    return e164;
  }

  async createMember(actor: Actor, input: MemberInput): Promise<MemberDetail> {
    require(actor, 'member.write');
    const storeId = input.storeId ?? actor.storeId;
    if (!storeId) throw new GatewayError('VALIDATION', '需要门店 / storeId is required', 'storeId');
    await assertStoreVisible(this.db, actor, storeId);
    const phone = this.phoneOrThrow(input.phone);
    if (input.attributes) await this.validateAttributes(actor, input.attributes);
    const tags = normalizeTags(input.tags ?? []);
    if (input.referrerId) await this.loadRow(this.db, actor.merchantId, input.referrerId, 'referrerId');
    const now = this.clock.nowMs();
    const id = input.memberId ?? newId(now);
    try {
      await inTransaction(this.gdb, async (trx) => {
        await trx.insertInto('members').values(this.row(actor.merchantId, id, storeId, phone, input, now)).execute();
        for (const tag of tags) await trx.insertInto('member_tags').values({ merchant_id: actor.merchantId, member_id: id, tag }).execute();
        await writeAudit(trx, actor, now, { action: 'member.create', entityType: 'member', entityId: id, after: { name: input.name, phone: phone ? maskPhone(phone) : null, storeId, tags } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new GatewayError('PHONE_TAKEN', '该手机号已是会员 / this phone already belongs to a member', 'phone');
      throw error;
    }
    return this.getMember(actor, id);
  }

  /** The member's synced sales and refunds, newest first. */
  private async ordersOf(merchantId: string, memberId: string): Promise<MemberOrder[]> {
    const rows = await syncDb(this.gdb)
      .selectFrom('sync_events')
      .select(['event_id', 'type', 'body'])
      .where('merchant_id', '=', merchantId)
      .where('member_id', '=', memberId)
      .where('type', 'in', ['saleCommitted', 'saleRefunded'])
      .orderBy('received_at', 'desc')
      .limit(MAX_NOTES_IN_VIEW)
      .execute();
    return rows.map((r) => {
      const body = JSON.parse(r.body) as { saleId: string; receiptNo: string; storeId: string; occurredAt: string; totals?: { payableFen: number }; refundFen?: number; pointsEarned?: number };
      return {
        eventId: r.event_id,
        type: r.type as MemberOrder['type'],
        saleId: body.saleId,
        receiptNo: body.receiptNo,
        storeId: body.storeId,
        occurredAt: body.occurredAt,
        amountFen: r.type === 'saleCommitted' ? (body.totals?.payableFen ?? 0) : (body.refundFen ?? 0),
        pointsEarned: body.pointsEarned ?? 0,
      };
    });
  }

  /** The values of a new member row; used by the API and by bulk import. */
  row(merchantId: string, id: string, storeId: string, phone: string | null, input: MemberInput, nowMs: number): MemberRow {
    return {
      merchant_id: merchantId,
      id,
      name: input.name,
      name_lower: input.name.toLowerCase(),
      phone,
      gender: input.gender ?? null,
      birthday: input.birthday ?? null,
      anniversary: input.anniversary ?? null,
      address: input.address ?? null,
      store_id: storeId,
      referrer_id: input.referrerId ?? null,
      attributes: JSON.stringify(input.attributes ?? {}),
      tier_id: null,
      growth: 0,
      status: 'active',
      created_at: nowMs,
      updated_at: nowMs,
    };
  }

  async updateMember(actor: Actor, memberId: string, patch: Partial<Omit<MemberInput, 'storeId' | 'tags'>>): Promise<MemberDetail> {
    require(actor, 'member.write');
    const before = await this.visibleRow(actor, memberId);
    const phone = patch.phone === undefined ? before.phone : this.phoneOrThrow(patch.phone);
    const attributes = patch.attributes === undefined ? (JSON.parse(before.attributes) as Record<string, AttributeValue>) : { ...(JSON.parse(before.attributes) as Record<string, AttributeValue>), ...patch.attributes };
    if (patch.attributes) await this.validateAttributes(actor, patch.attributes);
    const now = this.clock.nowMs();
    const set = {
      name: patch.name ?? before.name,
      name_lower: (patch.name ?? before.name).toLowerCase(),
      phone,
      gender: patch.gender === undefined ? before.gender : patch.gender,
      birthday: patch.birthday === undefined ? before.birthday : patch.birthday,
      anniversary: patch.anniversary === undefined ? before.anniversary : patch.anniversary,
      address: patch.address === undefined ? before.address : patch.address,
      referrer_id: patch.referrerId === undefined ? before.referrer_id : patch.referrerId,
      attributes: JSON.stringify(attributes),
      updated_at: now,
    };
    try {
      await inTransaction(this.gdb, async (trx) => {
        await trx.updateTable('members').set(set).where('merchant_id', '=', actor.merchantId).where('id', '=', memberId).execute();
        await writeAudit(trx, actor, now, {
          action: 'member.update',
          entityType: 'member',
          entityId: memberId,
          before: { ...auditView(before) },
          after: { ...auditView({ ...before, ...set }) },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new GatewayError('PHONE_TAKEN', '该手机号已是会员 / this phone already belongs to a member', 'phone');
      throw error;
    }
    return this.getMember(actor, memberId);
  }

  private async loadRow(db: Kysely<GatewayDatabase>, merchantId: string, memberId: string, field?: string): Promise<MemberRow> {
    const row = await db.selectFrom('members').selectAll().where('merchant_id', '=', merchantId).where('id', '=', memberId).executeTakeFirst();
    if (!row) throw field ? new GatewayError('NOT_FOUND', '会员不存在 / member not found', field) : notFound('member');
    return row;
  }

  /** The member row if it exists in the actor's scope; NOT_FOUND otherwise (no existence leak). */
  async visibleRow(actor: Actor, memberId: string): Promise<MemberRow> {
    const row = await this.loadRow(this.db, actor.merchantId, memberId);
    const scope = await storesInScope(this.db, actor);
    if (scope !== 'all' && !scope.includes(row.store_id)) throw notFound('member');
    return row;
  }

  /** The full view: unmasked phone, balances, points lots, cards and follow-up notes. */
  async getMember(actor: Actor, memberId: string): Promise<MemberDetail> {
    require(actor, 'member.read');
    const row = await this.visibleRow(actor, memberId);
    const db = this.db;
    const tags = await this.tagsOf([memberId], actor.merchantId);
    const cards = await findCardsOfMember(db, actor.merchantId, memberId);
    const owners = [...new Set(cards.map(storedValueOwner))];
    const accounts = owners.length
      ? await db.selectFrom('accounts').select(['owner_id', 'kind', 'balance']).where('merchant_id', '=', actor.merchantId).where('owner_id', 'in', owners).execute()
      : [];
    const bal = (owner: string, kind: string) => Number(accounts.find((a) => a.owner_id === owner && a.kind === kind)?.balance ?? 0);
    const byId = new Map(cards.map((c) => [c.id, c.cardNo]));
    const cardViews = cards.map((c) => ({
      cardNo: c.cardNo,
      cardTypeId: c.cardTypeId,
      status: c.status,
      mainCardNo: c.mainCardId ? (byId.get(c.mainCardId) ?? null) : null,
      principalFen: bal(storedValueOwner(c), 'card_principal'),
      bonusFen: bal(storedValueOwner(c), 'card_bonus'),
    }));
    const ownOwners = cards.filter((c) => storedValueOwner(c) === c.id).map((c) => c.id);
    const storedValue = {
      principalFen: ownOwners.reduce((s, o) => s + bal(o, 'card_principal'), 0),
      bonusFen: ownOwners.reduce((s, o) => s + bal(o, 'card_bonus'), 0),
    };
    const pointsRow = await db.selectFrom('accounts').select('balance').where('merchant_id', '=', actor.merchantId).where('kind', '=', 'member_points').where('owner_id', '=', memberId).executeTakeFirst();
    const lots = await db
      .selectFrom('points_lots')
      .select(['id', 'points_remaining', 'expires_on'])
      .where('merchant_id', '=', actor.merchantId)
      .where('member_id', '=', memberId)
      .where('points_remaining', '>', 0)
      .orderBy('id')
      .execute();
    const notes = await db
      .selectFrom('member_notes')
      .selectAll()
      .where('merchant_id', '=', actor.merchantId)
      .where('member_id', '=', memberId)
      .orderBy('id', 'desc')
      .limit(MAX_NOTES_IN_VIEW)
      .execute();
    const growth = await db
      .selectFrom('growth_history')
      .selectAll()
      .where('merchant_id', '=', actor.merchantId)
      .where('member_id', '=', memberId)
      .orderBy('id', 'desc')
      .limit(MAX_NOTES_IN_VIEW)
      .execute();
    const orders = await this.ordersOf(actor.merchantId, memberId);
    return {
      ...summaryFields(row, tags.get(memberId) ?? []),
      orders,
      phone: row.phone,
      birthday: row.birthday,
      anniversary: row.anniversary,
      address: row.address,
      referrerId: row.referrer_id,
      attributes: JSON.parse(row.attributes) as Record<string, AttributeValue>,
      cards: cardViews,
      storedValue,
      points: { balance: Number(pointsRow?.balance ?? 0), lots: lots.map((l) => ({ lotId: l.id, points: Number(l.points_remaining), expiresOn: l.expires_on })) },
      notes: notes.map((n) => ({ id: n.id, staffId: n.staff_id, body: n.body, createdAt: Number(n.created_at) })),
      growthHistory: growth.map((r) => ({ id: r.id, source: r.source, delta: Number(r.delta), growthAfter: Number(r.growth_after), tierBefore: r.tier_before, tierAfter: r.tier_after, change: r.change, createdAt: Number(r.created_at) })),
    };
  }

  /** Search by phone (any written form), card number, name fragment or tag; phones masked. */
  async search(actor: Actor, query: MemberSearch): Promise<Page<MemberSummary>> {
    require(actor, 'member.read');
    const scope = await storesInScope(this.db, actor);
    let q = this.db.selectFrom('members').selectAll('members').where('members.merchant_id', '=', actor.merchantId);
    if (scope !== 'all') q = q.where('members.store_id', 'in', scope.length ? scope : ['-']);
    if (query.phone !== undefined) q = q.where('members.phone', '=', normalizePhone(query.phone) ?? '-');
    if (query.phoneTail !== undefined) q = q.where('members.phone', 'like', `%${query.phoneTail.replace(/\D/g, '')}`);
    if (query.name !== undefined) q = q.where('members.name_lower', 'like', `%${escapeLike(query.name.toLowerCase())}%`);
    if (query.cardNo !== undefined) {
      const cardNo = query.cardNo;
      q = q.where('members.id', 'in', (eb) =>
        eb.selectFrom('cards').select('cards.member_id').where('cards.merchant_id', '=', actor.merchantId).where('cards.card_no', '=', cardNo),
      );
    }
    if (query.tag !== undefined) {
      const tag = query.tag;
      q = q.where('members.id', 'in', (eb) =>
        eb.selectFrom('member_tags').select('member_tags.member_id').where('member_tags.merchant_id', '=', actor.merchantId).where('member_tags.tag', '=', tag),
      );
    }
    if (query.cursor) q = q.where('members.id', '>', query.cursor);
    const rows = await q.orderBy('members.id').limit(query.limit + 1).execute();
    const tags = await this.tagsOf(rows.slice(0, query.limit).map((r) => r.id), actor.merchantId);
    return toPage(rows, query.limit, (r) => {
      const s = summaryFields(r, tags.get(r.id) ?? []);
      return { ...s, phoneMasked: r.phone ? maskPhone(r.phone) : null };
    });
  }

  private async tagsOf(memberIds: string[], merchantId: string): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (memberIds.length === 0) return out;
    const rows = await this.db.selectFrom('member_tags').selectAll().where('merchant_id', '=', merchantId).where('member_id', 'in', memberIds).orderBy('tag').execute();
    for (const r of rows) out.set(r.member_id, [...(out.get(r.member_id) ?? []), r.tag]);
    return out;
  }

  async setTags(actor: Actor, memberId: string, change: { add?: string[] | undefined; remove?: string[] | undefined }): Promise<string[]> {
    require(actor, 'member.write');
    await this.visibleRow(actor, memberId);
    const before = (await this.tagsOf([memberId], actor.merchantId)).get(memberId) ?? [];
    const add = normalizeTags(change.add ?? []).filter((t) => !before.includes(t));
    const remove = normalizeTags(change.remove ?? []);
    const after = [...before.filter((t) => !remove.includes(t)), ...add].sort();
    if (after.length > MAX_TAGS) throw new GatewayError('VALIDATION', `标签最多 ${MAX_TAGS} 个 / at most ${MAX_TAGS} tags`, 'add');
    const now = this.clock.nowMs();
    await inTransaction(this.gdb, async (trx) => {
      if (remove.length) await trx.deleteFrom('member_tags').where('merchant_id', '=', actor.merchantId).where('member_id', '=', memberId).where('tag', 'in', remove).execute();
      for (const tag of add) await trx.insertInto('member_tags').values({ merchant_id: actor.merchantId, member_id: memberId, tag }).execute();
      await writeAudit(trx, actor, now, { action: 'member.tags', entityType: 'member', entityId: memberId, before, after });
    });
    return after;
  }

  async addNote(actor: Actor, memberId: string, body: string): Promise<{ id: string; staffId: string; body: string; createdAt: number }> {
    require(actor, 'member.write');
    await this.visibleRow(actor, memberId);
    const now = this.clock.nowMs();
    const note = { id: newId(now), staffId: actor.staffId ?? 'system', body, createdAt: now };
    await inTransaction(this.gdb, async (trx) => {
      await trx.insertInto('member_notes').values({ merchant_id: actor.merchantId, id: note.id, member_id: memberId, staff_id: note.staffId, body, created_at: now }).execute();
      await writeAudit(trx, actor, now, { action: 'member.note', entityType: 'member', entityId: memberId, after: { noteId: note.id } });
    });
    return note;
  }

  async listNotes(actor: Actor, memberId: string, page: PageQuery) {
    require(actor, 'member.read');
    await this.visibleRow(actor, memberId);
    let q = this.db.selectFrom('member_notes').selectAll().where('merchant_id', '=', actor.merchantId).where('member_id', '=', memberId);
    if (page.cursor) q = q.where('id', '>', page.cursor);
    const rows = await q.orderBy('id').limit(page.limit + 1).execute();
    return toPage(rows, page.limit, (n) => ({ id: n.id, staffId: n.staff_id, body: n.body, createdAt: Number(n.created_at) }));
  }
}

export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t.length > 0 && t.length <= 64))].sort();
}

function escapeLike(text: string): string {
  return text.replace(/[%_\\]/g, '');
}

function summaryFields(r: MemberRow, tags: string[]): Omit<MemberSummary, 'phoneMasked'> {
  return {
    id: r.id,
    name: r.name,
    gender: r.gender,
    storeId: r.store_id,
    tierId: r.tier_id,
    growth: Number(r.growth),
    status: r.status,
    tags,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/** What the audit log keeps of a member: the phone masked, so the log holds no full number. */
function auditView(r: MemberRow) {
  return { name: r.name, phone: r.phone ? maskPhone(r.phone) : null, gender: r.gender, birthday: r.birthday, address: r.address, attributes: r.attributes };
}
