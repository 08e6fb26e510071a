// Hierarchy scoping over real HTTP: role × resource × own/other store/region/merchant. Every
// forbidden cell is 403 (the role may never do it) or 404 (outside its scope), and the body is the
// same generic error a nonexistent id gets, so nothing about the target leaks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@pos/protocol';
import { systemActor, type Role } from '../../gateway/src/context.js';
import type { Services } from '../../gateway/src/services.js';
import { DIALECTS } from './harness.js';
import { login, startTestGateway, type Client, type TestGateway } from './http-harness.js';

const PASSWORD = 'correct horse 1';

async function seedWorld(s: Services, code: string, phonePrefix: string) {
  const m = await s.hierarchy.createMerchant({ code, name: code });
  const sys = systemActor(m.id);
  const regionA = await s.hierarchy.createRegion(sys, { name: 'A' });
  const regionB = await s.hierarchy.createRegion(sys, { name: 'B' });
  const a1 = await s.hierarchy.createStore(sys, { regionId: regionA.id, code: 'A1', name: 'A1 店' });
  const a2 = await s.hierarchy.createStore(sys, { regionId: regionA.id, code: 'A2', name: 'A2 店' });
  const b1 = await s.hierarchy.createStore(sys, { regionId: regionB.id, code: 'B1', name: 'B1 店' });
  const type = await s.cards.createCardType(sys, { name: '普通卡', kind: 'personal', level: 'regular', discountPerMille: 1000, offlineLimitFen: 0, tierId: null });
  const perStore = async (storeId: string, n: string) => {
    const member = await s.members.createMember(sys, { name: `会员${n}`, phone: `${phonePrefix}${n}`, storeId });
    const card = await s.cards.issueCard(sys, { memberId: member.id, cardTypeId: type.id, cardNo: `9${phonePrefix}${n}` });
    await s.ledger.recharge(sys, { idempotencyKey: `seed-${card.cardNo}`, cardNo: card.cardNo, paidFen: 100_000 });
    const terminal = await s.hierarchy.createTerminal(sys, { storeId, name: `POS ${n}` });
    const cashier = await s.hierarchy.createStaff(sys, { username: `cashier${n}`, displayName: `收银员${n}`, password: PASSWORD, role: 'cashier', storeId });
    return { storeId, member, card, terminal, cashier };
  };
  const staff: Record<Role, string> = { hq_admin: 'hq', region_manager: 'regionA', store_manager: 'managerA1', cashier: 'cashier0001' };
  await s.hierarchy.createStaff(sys, { username: 'hq', displayName: 'HQ', password: PASSWORD, role: 'hq_admin' });
  await s.hierarchy.createStaff(sys, { username: 'regionA', displayName: '区域A', password: PASSWORD, role: 'region_manager', regionId: regionA.id });
  await s.hierarchy.createStaff(sys, { username: 'managerA1', displayName: '店长A1', password: PASSWORD, role: 'store_manager', storeId: a1.id });
  return { merchantId: m.id, code, regionA, regionB, a1: await perStore(a1.id, '0001'), a2: await perStore(a2.id, '0002'), b1: await perStore(b1.id, '0003'), staff };
}

type World = Awaited<ReturnType<typeof seedWorld>>;
type Target = 'A1' | 'A2' | 'B1' | 'M2';
const ROLES: Role[] = ['hq_admin', 'region_manager', 'store_manager', 'cashier'];

/** Which stores each role (working at A1 / region A / HQ of merchant 1) may see. */
const VISIBLE: Record<Role, Target[]> = {
  hq_admin: ['A1', 'A2', 'B1'],
  region_manager: ['A1', 'A2'],
  store_manager: ['A1'],
  cashier: ['A1'],
};

interface Resource {
  name: string;
  /** Roles that may use this resource at all; the others get 403 whatever the target. */
  roles: Role[];
  ok: 200 | 201;
  call(client: Client, target: ReturnType<typeof pick>, i: number): Promise<{ status: number; body: any; text: string }>;
  /** The same call on an id that does not exist: a 404 for a hidden target must look identical. */
  missing?(client: Client): Promise<{ status: number; body: any; text: string }>;
}

function pick(world: World, other: World, t: Target) {
  return t === 'A1' ? world.a1 : t === 'A2' ? world.a2 : t === 'B1' ? world.b1 : other.a1;
}

const ghost = newId(Date.parse('2026-01-01T00:00:00Z'));
const RESOURCES: Resource[] = [
  { name: 'GET store', roles: ROLES, ok: 200, call: (c, t) => c.get(`/v1/stores/${t.storeId}`), missing: (c) => c.get(`/v1/stores/${ghost}`) },
  { name: 'GET terminal', roles: ROLES, ok: 200, call: (c, t) => c.get(`/v1/terminals/${t.terminal.id}`), missing: (c) => c.get(`/v1/terminals/${ghost}`) },
  { name: 'GET member', roles: ROLES, ok: 200, call: (c, t) => c.get(`/v1/members/${t.member.id}`), missing: (c) => c.get(`/v1/members/${ghost}`) },
  { name: 'GET member ledger', roles: ROLES, ok: 200, call: (c, t) => c.get(`/v1/members/${t.member.id}/ledger`), missing: (c) => c.get(`/v1/members/${ghost}/ledger`) },
  { name: 'PATCH member', roles: ROLES, ok: 200, call: (c, t) => c.patch(`/v1/members/${t.member.id}`, { address: '新地址' }), missing: (c) => c.patch(`/v1/members/${ghost}`, { address: '新地址' }) },
  { name: 'POST note', roles: ROLES, ok: 201, call: (c, t) => c.post(`/v1/members/${t.member.id}/notes`, { body: '回访：满意' }), missing: (c) => c.post(`/v1/members/${ghost}/notes`, { body: 'x' }) },
  { name: 'GET card', roles: ROLES, ok: 200, call: (c, t) => c.get(`/v1/cards/${t.card.cardNo}`), missing: (c) => c.get('/v1/cards/123456789') },
  { name: 'GET staff', roles: ['hq_admin', 'region_manager', 'store_manager'], ok: 200, call: (c, t) => c.get(`/v1/staff/${t.cashier.id}`), missing: (c) => c.get(`/v1/staff/${ghost}`) },
  { name: 'POST recharge', roles: ROLES, ok: 201, call: (c, t, i) => c.post('/v1/recharges', { idempotencyKey: `m-${i}`, cardNo: t.card.cardNo, paidFen: 100 }), missing: (c) => c.post('/v1/recharges', { idempotencyKey: 'm-x', cardNo: '123456789', paidFen: 100 }) },
  { name: 'POST adjustment', roles: ['hq_admin', 'region_manager', 'store_manager'], ok: 201, call: (c, t, i) => c.post('/v1/adjustments', { idempotencyKey: `a-${i}`, cardNo: t.card.cardNo, principalDeltaFen: 1, reason: '测试' }), missing: (c) => c.post('/v1/adjustments', { idempotencyKey: 'a-x', cardNo: '123456789', principalDeltaFen: 1, reason: '测试' }) },
  { name: 'POST terminal', roles: ['hq_admin', 'region_manager', 'store_manager'], ok: 201, call: (c, t) => c.post('/v1/terminals', { storeId: t.storeId, name: 'new POS' }), missing: (c) => c.post('/v1/terminals', { storeId: ghost, name: 'new POS' }) },
  { name: 'POST member in store', roles: ROLES, ok: 201, call: (c, t, i) => c.post('/v1/members', { name: '新会员', phone: `1390000${String(i).padStart(4, '0')}`, storeId: t.storeId }), missing: (c) => c.post('/v1/members', { name: '新会员', phone: '13900009999', storeId: ghost }) },
];

describe.each(DIALECTS)('hierarchy scoping on %s', (dialect) => {
  let t: TestGateway;
  let world: World;
  let other: World;
  const clients = {} as Record<Role, Client>;
  beforeAll(async () => {
    t = await startTestGateway(dialect);
    world = await seedWorld(t.gw.services, 'm1', '1370000');
    other = await seedWorld(t.gw.services, 'm2', '1360000');
    for (const role of ROLES) clients[role] = await login(t.client, 'm1', world.staff[role], PASSWORD);
  });
  afterAll(async () => t?.close());

  it('role × resource × target gives exactly the expected status, and hidden targets look like missing ones', async () => {
    const cells: string[] = [];
    let i = 0;
    for (const resource of RESOURCES) {
      for (const role of ROLES) {
        const missing = resource.missing ? await resource.missing(clients[role]) : undefined;
        for (const target of ['A1', 'A2', 'B1', 'M2'] as Target[]) {
          i += 1;
          const r = await resource.call(clients[role], pick(world, other, target), i);
          const expected = !resource.roles.includes(role) ? 403 : VISIBLE[role].includes(target) ? resource.ok : 404;
          cells.push(`${resource.name} | ${role} | ${target} → ${r.status}`);
          expect(`${resource.name} | ${role} | ${target} → ${r.status}`).toBe(`${resource.name} | ${role} | ${target} → ${expected}`);
          if (expected === 403) expect(r.body).toEqual({ error: { code: 'FORBIDDEN', message: '无权执行此操作 / your role may not do this' } });
          if (expected === 404) {
            expect(r.body.error.code).toBe('NOT_FOUND');
            // Indistinguishable from an id that does not exist at all.
            expect(r.text).toBe(missing?.text);
          }
          if (expected >= 400) {
            const tgt = pick(world, other, target);
            for (const secret of [tgt.member.name, tgt.member.phone ?? '', tgt.card.cardNo, tgt.storeId]) expect(r.text).not.toContain(secret);
          }
        }
      }
    }
    expect(cells.length).toBe(RESOURCES.length * 16);
  });

  it('merchant, region, card type, audit and staff creation follow the role table', async () => {
    const status = async (c: Client, method: 'get' | 'post', path: string, body?: unknown) => (method === 'get' ? await c.get(path) : await c.post(path, body)).status;
    const table: [Role, string, number][] = [];
    for (const role of ROLES) {
      const c = clients[role];
      table.push([role, 'own merchant', await status(c, 'get', `/v1/merchants/${world.merchantId}`)]);
      table.push([role, 'other merchant', await status(c, 'get', `/v1/merchants/${other.merchantId}`)]);
      table.push([role, 'region A', await status(c, 'get', `/v1/regions/${world.regionA.id}`)]);
      table.push([role, 'region B', await status(c, 'get', `/v1/regions/${world.regionB.id}`)]);
      table.push([role, 'other region', await status(c, 'get', `/v1/regions/${other.regionA.id}`)]);
      table.push([role, 'card type', await status(c, 'post', '/v1/card-types', { name: `金卡-${role}`, kind: 'personal', level: 'gold' })]);
      table.push([role, 'audit', await status(c, 'get', '/v1/audit')]);
      table.push([role, 'cashier at A1', await status(c, 'post', '/v1/staff', { username: `new-${role}`, displayName: '新人', password: 'password123', role: 'cashier', storeId: world.a1.storeId })]);
      table.push([role, 'manager at B1', await status(c, 'post', '/v1/staff', { username: `newm-${role}`, displayName: '新人', password: 'password123', role: 'store_manager', storeId: world.b1.storeId })]);
    }
    expect(table).toEqual([
      ['hq_admin', 'own merchant', 200], ['hq_admin', 'other merchant', 404], ['hq_admin', 'region A', 200], ['hq_admin', 'region B', 200], ['hq_admin', 'other region', 404],
      ['hq_admin', 'card type', 201], ['hq_admin', 'audit', 200], ['hq_admin', 'cashier at A1', 201], ['hq_admin', 'manager at B1', 201],
      ['region_manager', 'own merchant', 403], ['region_manager', 'other merchant', 403], ['region_manager', 'region A', 200], ['region_manager', 'region B', 404], ['region_manager', 'other region', 404],
      ['region_manager', 'card type', 403], ['region_manager', 'audit', 403], ['region_manager', 'cashier at A1', 201], ['region_manager', 'manager at B1', 404],
      ['store_manager', 'own merchant', 403], ['store_manager', 'other merchant', 403], ['store_manager', 'region A', 403], ['store_manager', 'region B', 403], ['store_manager', 'other region', 403],
      ['store_manager', 'card type', 403], ['store_manager', 'audit', 403], ['store_manager', 'cashier at A1', 201], ['store_manager', 'manager at B1', 403],
      ['cashier', 'own merchant', 403], ['cashier', 'other merchant', 403], ['cashier', 'region A', 403], ['cashier', 'region B', 403], ['cashier', 'other region', 403],
      ['cashier', 'card type', 403], ['cashier', 'audit', 403], ['cashier', 'cashier at A1', 403], ['cashier', 'manager at B1', 403],
    ]);
  });

  it('lists contain only what is in scope', async () => {
    const names = async (role: Role) => ((await clients[role].get('/v1/stores')).body.items as { code: string }[]).map((s) => s.code).sort();
    expect(await names('hq_admin')).toEqual(['A1', 'A2', 'B1']);
    expect(await names('region_manager')).toEqual(['A1', 'A2']);
    expect(await names('store_manager')).toEqual(['A1']);
    const members = async (role: Role) => ((await clients[role].get('/v1/members?limit=200')).body.items as { storeId: string }[]).map((m) => m.storeId);
    expect(new Set(await members('store_manager'))).toEqual(new Set([world.a1.storeId]));
    expect(new Set(await members('region_manager'))).toEqual(new Set([world.a1.storeId, world.a2.storeId]));
  });
});
