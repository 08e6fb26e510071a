// Two merchants for the security suites. Merchant A has the four roles (HQ, the manager of region A,
// the manager and a cashier of store A1) and makes fresh resources in store A1 on demand over HTTP
// (as HQ), so every role and every route gets its own member, card or draft and no call depends on
// what an earlier one did. Merchant B has an HQ login: the stranger who tries A's ids.
import { systemActor, type Role } from '../../gateway/src/context.js';
import type { Services } from '../../gateway/src/services.js';
import { COUPON_DEF } from '../marketing/marketing-fixtures.js';
import { seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';
import { login, type Client, type HttpResult } from '../gateway/http-harness.js';

export const ROLES: Role[] = ['hq_admin', 'region_manager', 'store_manager', 'cashier'];
export const PASSWORD = 'security pass 1';
export const USERNAMES: Record<Role, string> = { hq_admin: 'a-hq', region_manager: 'a-region', store_manager: 'a-manager', cashier: 'a-cashier' };

export interface SecurityWorld {
  a: MerchantFixture & { code: string };
  b: MerchantFixture & { code: string };
  clients: Record<Role, Client>;
  strangerB: Client;
  anonymous: Client;
  /** Staff ids of A's users by role. */
  staffIds: Record<Role, string>;
  /** Strings that belong to merchant A (ids, phones, names, card numbers); B must never see one it did not send. */
  markersOfA: Set<string>;
  fresh: FreshResources;
}

async function ok<T = any>(r: Promise<HttpResult<T>>, what: string): Promise<T> {
  const res = await r;
  if (res.status >= 300) throw new Error(`setup: ${what} → ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
}

/** Fresh resources of merchant A in store A1, made by A's HQ over HTTP. */
export class FreshResources {
  private n = 0;
  constructor(
    private readonly hq: Client,
    private readonly a: MerchantFixture,
    private readonly markers: Set<string>,
  ) {}

  next(): number {
    this.n += 1;
    return this.n;
  }

  private mark<T extends Record<string, unknown>>(value: T, ...keys: (keyof T)[]): T {
    for (const k of keys) if (typeof value[k] === 'string') this.markers.add(value[k] as string);
    return value;
  }

  async member(): Promise<{ id: string; phone: string; name: string }> {
    const i = this.next();
    const phone = `1370${String(1_000_000 + i).slice(-7)}`;
    const m = await ok(this.hq.post('/v1/members', { name: `A会员${i}`, phone, storeId: this.a.storeA1 }), 'member');
    this.markers.add(phone);
    return this.mark({ id: m.id as string, phone, name: `A会员${i}` }, 'id', 'name');
  }

  cardNo(): string {
    return `66${String(100_000_000_000 + this.next()).padStart(14, '0')}`;
  }

  /** A member with a personal card holding ¥1,000 principal (and the plan's bonus when it applies). */
  async card(status: 'active' | 'lost' | 'frozen' = 'active'): Promise<{ cardNo: string; memberId: string }> {
    const member = await this.member();
    const cardNo = this.cardNo();
    await ok(this.hq.post('/v1/cards', { memberId: member.id, cardTypeId: this.a.personalType, cardNo }), 'card');
    this.markers.add(cardNo);
    await ok(this.hq.post('/v1/recharges', { idempotencyKey: `seed-${cardNo}`, cardNo, paidFen: 100_000 }), 'recharge');
    if (status === 'lost') await ok(this.hq.post(`/v1/cards/${cardNo}/loss`, {}), 'loss');
    if (status === 'frozen') await ok(this.hq.post(`/v1/cards/${cardNo}/freeze`, {}), 'freeze');
    return { cardNo, memberId: member.id };
  }

  /** A main card and a subsidiary card of the same member (a card family). */
  async family(): Promise<{ mainCardNo: string; subCardNo: string }> {
    const main = await this.card();
    const subCardNo = this.cardNo();
    await ok(this.hq.post('/v1/cards', { memberId: main.memberId, cardTypeId: this.a.subsidiaryType, cardNo: subCardNo, mainCardNo: main.cardNo }), 'subsidiary card');
    this.markers.add(subCardNo);
    return { mainCardNo: main.cardNo, subCardNo };
  }

  async spend(): Promise<{ transactionId: string; cardNo: string }> {
    const card = await this.card();
    const r = await ok(this.hq.post('/v1/spends', { idempotencyKey: `spend-${card.cardNo}`, cardNo: card.cardNo, amountFen: 1_000 }), 'spend');
    return this.mark({ transactionId: r.transactionId as string, cardNo: card.cardNo }, 'transactionId');
  }

  async memberWithPoints(): Promise<{ id: string }> {
    const m = await this.member();
    await ok(this.hq.post('/v1/points/earn', { idempotencyKey: `earn-${m.id}`, memberId: m.id, points: 1_000 }), 'points earn');
    return m;
  }

  async terminal(): Promise<{ id: string }> {
    const t = await ok(this.hq.post('/v1/terminals', { storeId: this.a.storeA1, name: `A POS ${this.next()}` }), 'terminal');
    return this.mark({ id: t.id as string }, 'id');
  }

  async draft(): Promise<{ id: string }> {
    const d = await ok(this.hq.post('/v1/rule-sets/drafts', { name: `A draft ${this.next()}`, content: { coupons: [COUPON_DEF] } }), 'draft');
    return this.mark({ id: d.id as string }, 'id');
  }

  /**
   * A campaign made by `creator` (campaigns are visible in their creator's scope only); a creator who
   * may not define one (403) is replaced by `fallback`, so the caller's own permission is what is tested.
   */
  async campaign(creator: Client = this.hq, fallback: Client = this.hq): Promise<{ id: string }> {
    const m = await this.member();
    const body = { name: `A campaign ${this.next()}`, couponDefId: COUPON_DEF.couponDefId, target: { kind: 'list', memberIds: [m.id] } };
    let r = await creator.post('/v1/marketing/campaigns', body);
    if (r.status === 403) r = await fallback.post('/v1/marketing/campaigns', body);
    const c = await ok(Promise.resolve(r), 'campaign');
    return this.mark({ id: c.id as string }, 'id');
  }

  /** A terminal that redeemed its enrolment code (so it has a key to revoke). */
  async enrolledTerminal(): Promise<{ id: string }> {
    const t = await this.terminal();
    const { code } = await ok(this.hq.post(`/v1/terminals/${t.id}/enrolment-code`, {}), 'enrolment code');
    await ok(this.hq.post('/v1/terminals/enrol', { code }), 'enrol');
    return t;
  }

  async attribute(): Promise<{ key: string }> {
    const key = `attr_${this.next()}`;
    await ok(this.hq.post('/v1/member-attributes', { key, labelZh: '爱好', labelEn: 'Hobby', type: 'text' }), 'attribute');
    return { key };
  }
}

async function seedTenant(s: Services, code: string) {
  const f = await seedMerchant(s, code);
  const draft = await s.ruleSets.createDraft(f.system, {
    name: 'with coupons',
    content: { rechargePlans: [{ planId: f.planId, name: { zh: '充300送30', en: 'Pay 300 get 30' }, steps: [{ minPaidFen: 30_000, bonusFen: 3_000 }] }], coupons: [COUPON_DEF] },
  });
  await s.ruleSets.publish(f.system, draft.id);
  return { ...f, code };
}

export async function seedSecurityWorld(s: Services, client: Client, suffix: string): Promise<SecurityWorld> {
  const a = await seedTenant(s, `SECA${suffix}`);
  const b = await seedTenant(s, `SECB${suffix}`);
  const sysA = systemActor(a.merchantId);
  const staffIds = {} as Record<Role, string>;
  staffIds.hq_admin = (await s.hierarchy.createStaff(sysA, { username: USERNAMES.hq_admin, displayName: 'A HQ', password: PASSWORD, role: 'hq_admin' })).id;
  staffIds.region_manager = (await s.hierarchy.createStaff(sysA, { username: USERNAMES.region_manager, displayName: 'A 区域', password: PASSWORD, role: 'region_manager', regionId: a.regionA })).id;
  staffIds.store_manager = (await s.hierarchy.createStaff(sysA, { username: USERNAMES.store_manager, displayName: 'A 店长', password: PASSWORD, role: 'store_manager', storeId: a.storeA1 })).id;
  staffIds.cashier = (await s.hierarchy.createStaff(sysA, { username: USERNAMES.cashier, displayName: 'A 收银', password: PASSWORD, role: 'cashier', storeId: a.storeA1 })).id;
  await s.hierarchy.createStaff(systemActor(b.merchantId), { username: 'b-hq', displayName: 'B HQ', password: PASSWORD, role: 'hq_admin' });
  const clients = {} as Record<Role, Client>;
  for (const role of ROLES) clients[role] = await login(client, a.code, USERNAMES[role], PASSWORD);
  const strangerB = await login(client, b.code, 'b-hq', PASSWORD);
  await ok(clients.hq_admin.put('/v1/catalogue/items', [{ sku: 'WATER', name: { zh: '矿泉水', en: 'Water' }, unitPriceFen: 200, category: 'drinks' }]), 'catalogue');
  const markersOfA = new Set<string>([a.merchantId, a.storeA1, a.regionA, ...Object.values(staffIds)]);
  return { a, b, clients, strangerB, anonymous: client, staffIds, markersOfA, fresh: new FreshResources(clients.hq_admin, a, markersOfA) };
}
