// The security expectation of every route in the gateway's OpenAPI document: who may call it (a
// permission of gateway/src/auth/permissions.ts, so the role matrix is derived from the permission
// table, not from what the gateway answers), and how to build a valid request with fresh
// resources of merchant A. A route missing here fails test/security/route-matrix.test.ts with
// "route X has no security expectation": adding a route means adding one line.
import type { Action } from '../../gateway/src/auth/permissions.js';
import type { Role } from '../../gateway/src/context.js';
import { REPORTS } from '../../gateway/src/reports/report-registry.js';
import type { FreshResources, SecurityWorld } from './security-world.js';

export interface SampleRequest {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** A non-JSON body (imports). */
  raw?: { contentType: string; data: string };
}

export interface RequestContext {
  world: SecurityWorld;
  fresh: FreshResources;
  role: Role;
  /** A unique number for names, codes and idempotency keys. */
  n: number;
}

/**
 * - an Action: roles whose permission set has it get the documented success, the others 403.
 * - 'any-staff': every staff role may call it; what it returns is limited to the caller's scope.
 * - 'hq-only': the handler admits hq_admin only (no Action in the permission table: see docs/security.md).
 * - 'public': no credentials (login, terminal enrolment, member OTP).
 * - 'member-session': the member page's own session (cookie or bearer of a member), never a staff token.
 */
export type Access = Action | 'any-staff' | 'hq-only' | 'public' | 'member-session';

export interface RouteExpectation {
  access: Access;
  request?: (x: RequestContext) => SampleRequest | Promise<SampleRequest>;
  /** Merchant B calling with A's ids may succeed, acting on B's own data (lists, creations, settings). */
  tenantNeutral?: true;
  /** The call ends the caller's session: it is made with a token of its own. */
  ownToken?: true;
}

const day = '2026-03-01';
const e = (access: Access, request?: RouteExpectation['request'], extra: Omit<RouteExpectation, 'access' | 'request'> = {}): RouteExpectation => ({ access, ...(request ? { request } : {}), ...extra });
const neutral = { tenantNeutral: true } as const;
const key = (x: RequestContext) => `sec-${x.role}-${x.n}`;
/** Campaigns are seen in their creator's scope: the caller's own (or, if it may not create one, its store manager's). */
const campaignOfCaller = async (x: RequestContext): Promise<SampleRequest> => ({ params: { campaignId: (await x.fresh.campaign(x.world.clients[x.role], x.world.clients.store_manager)).id } });

/** Reports are generated from one registry: JSON and charts for every role (scoped), files need `export`. */
function reportExpectations(): Record<string, RouteExpectation> {
  const out: Record<string, RouteExpectation> = {};
  for (const d of REPORTS) {
    // CLV needs 20 buyers to fit its model, or the model's parameters given.
    const model: Record<string, string> = d.name === 'clv' ? { r: '0.24', alpha: '4.41', a: '0.79', b: '2.43', p: '6.25', q: '3.74', v: '15.44' } : {};
    const query = (x: RequestContext): SampleRequest => ({ query: { storeId: x.world.a.storeA1, ...(d.range === 'required' ? { from: day, to: day } : {}), ...model } });
    const path = `/v1/reports/${d.name}`;
    out[`GET ${path}`] = e('any-staff', query);
    out[`GET ${path}.csv`] = e('export', query);
    out[`GET ${path}.xlsx`] = e('export', query);
    out[`GET ${path}/chart.svg`] = e('any-staff', query);
    out[`GET ${path}/chart.png`] = e('any-staff', query);
  }
  return out;
}

export const ROUTE_EXPECTATIONS: Record<string, RouteExpectation> = {
  'POST /v1/auth/login': e('public'),
  'POST /v1/auth/logout': e('any-staff', undefined, { ownToken: true, ...neutral }),
  'GET /v1/auth/me': e('any-staff', undefined, neutral),
  'GET /v1/auth/permissions': e('any-staff', undefined, neutral),
  'GET /v1/merchants/{merchantId}': e('merchant.read'),
  'PATCH /v1/merchants/{merchantId}': e('merchant.write', () => ({ body: { name: 'A 连锁' } })),
  'GET /v1/regions': e('region.read', undefined, neutral),
  'POST /v1/regions': e('region.write', (x) => ({ body: { name: `区域 ${x.n}` } }), neutral),
  'GET /v1/regions/{regionId}': e('region.read'),
  'GET /v1/stores': e('store.read', undefined, neutral),
  'POST /v1/stores': e('store.write', (x) => ({ body: { regionId: x.world.a.regionA, code: `S${x.n}`, name: `新店 ${x.n}` } })),
  'GET /v1/stores/{storeId}': e('store.read'),
  'GET /v1/terminals': e('terminal.read', undefined, neutral),
  'POST /v1/terminals': e('terminal.write', (x) => ({ body: { storeId: x.world.a.storeA1, name: `POS ${x.n}` } })),
  'GET /v1/terminals/{terminalId}': e('terminal.read'),
  'GET /v1/staff': e('staff.read', undefined, neutral),
  'POST /v1/staff': e('staff.write', (x) => ({ body: { username: `cashier-${x.n}`, displayName: '新收银员', password: 'password123', role: 'cashier', storeId: x.world.a.storeA1 } })),
  'GET /v1/staff/{staffId}': e('staff.read'),
  'GET /v1/member-attributes': e('any-staff', undefined, neutral),
  'POST /v1/member-attributes': e('memberAttributes.write', (x) => ({ body: { key: `k${x.n}`, labelZh: '爱好', labelEn: 'Hobby', type: 'text' } }), neutral),
  'PUT /v1/member-attributes/{key}/member-editable': e('memberAttributes.write', async (x) => ({ params: { key: (await x.fresh.attribute()).key }, body: { memberEditable: true } })),
  'GET /v1/members': e('member.read', undefined, neutral),
  'POST /v1/members': e('member.write', (x) => ({ body: { name: `新会员${x.n}`, phone: `1371${String(1_000_000 + x.n).slice(-7)}`, storeId: x.world.a.storeA1 } })),
  'GET /v1/member-lookup': e('member.read', () => ({ query: { q: '1370' } }), neutral),
  'GET /v1/members/{memberId}': e('member.read'),
  'PATCH /v1/members/{memberId}': e('member.write', () => ({ body: { address: '新地址' } })),
  'POST /v1/members/{memberId}/tags': e('member.write', () => ({ body: { add: ['vip'] } })),
  'GET /v1/members/{memberId}/notes': e('member.read'),
  'POST /v1/members/{memberId}/notes': e('member.write', () => ({ body: { body: '回访：满意' } })),
  'POST /v1/members/{memberId}/growth': e('points.write', (x) => ({ body: { idempotencyKey: key(x), delta: 10 } })),
  'GET /v1/members/{memberId}/ledger': e('member.read'),
  'GET /v1/card-types': e('cardType.read', undefined, neutral),
  'POST /v1/card-types': e('cardType.write', (x) => ({ body: { name: `金卡${x.n}`, kind: 'personal', level: 'gold' } }), neutral),
  'POST /v1/cards': e('card.issue', async (x) => ({ body: { memberId: (await x.fresh.member()).id, cardTypeId: x.world.a.personalType, cardNo: x.fresh.cardNo() } })),
  'GET /v1/cards/{cardNo}': e('member.read'),
  'POST /v1/cards/{cardNo}/loss': e('card.status', () => ({ body: {} })),
  'POST /v1/cards/{cardNo}/unloss': e('card.status', async (x) => ({ params: { cardNo: (await x.fresh.card('lost')).cardNo }, body: {} })),
  'POST /v1/cards/{cardNo}/freeze': e('card.status', () => ({ body: {} })),
  'POST /v1/cards/{cardNo}/unfreeze': e('card.status', async (x) => ({ params: { cardNo: (await x.fresh.card('frozen')).cardNo }, body: {} })),
  'POST /v1/cards/{cardNo}/replace': e('card.replace', (x) => ({ body: { newCardNo: x.fresh.cardNo(), idempotencyKey: key(x) } })),
  'POST /v1/cards/{cardNo}/cancel': e('card.cancel', (x) => ({ body: { reason: '顾客要求', idempotencyKey: key(x) } })),
  'POST /v1/cards/{cardNo}/uids': e('card.status', (x) => ({ body: { uid: (0xa0000000 + x.n).toString(16) } })),
  'POST /v1/recharges': e('stored-value.recharge', async (x) => ({ body: { idempotencyKey: key(x), cardNo: (await x.fresh.card()).cardNo, paidFen: 100 } })),
  'POST /v1/spends': e('stored-value.spend', async (x) => ({ body: { idempotencyKey: key(x), cardNo: (await x.fresh.card()).cardNo, amountFen: 100 } })),
  'POST /v1/refunds': e('stored-value.spend', async (x) => ({ body: { idempotencyKey: key(x), spendTransactionId: (await x.fresh.spend()).transactionId, amountFen: 100 } })),
  'POST /v1/adjustments': e('stored-value.adjust', async (x) => ({ body: { idempotencyKey: key(x), cardNo: (await x.fresh.card()).cardNo, principalDeltaFen: 1, reason: '测试' } })),
  'POST /v1/transfers': e('stored-value.adjust', async (x) => {
    const f = await x.fresh.family();
    return { body: { idempotencyKey: key(x), fromCardNo: f.mainCardNo, toCardNo: f.subCardNo, amountFen: 100 } };
  }),
  'POST /v1/points/earn': e('points.write', async (x) => ({ body: { idempotencyKey: key(x), memberId: (await x.fresh.member()).id, points: 10 } })),
  'POST /v1/points/expire': e('ruleSet.write', () => ({ body: { today: day } }), neutral),
  'POST /v1/points/spend': e('points.write', async (x) => ({ body: { idempotencyKey: key(x), memberId: (await x.fresh.memberWithPoints()).id, points: 10, today: day } })),
  'GET /v1/audit': e('audit.read', undefined, neutral),
  'GET /v1/reports/summary': e('any-staff', undefined, neutral),
  ...reportExpectations(),
  'GET /v1/rule-sets/drafts': e('ruleSet.write', undefined, neutral),
  'POST /v1/rule-sets/drafts': e('ruleSet.write', (x) => ({ body: { name: `草稿 ${x.n}`, content: {} } }), neutral),
  'GET /v1/rule-sets/drafts/{draftId}': e('ruleSet.write'),
  'PUT /v1/rule-sets/drafts/{draftId}': e('ruleSet.write', () => ({ body: { content: {} } })),
  'POST /v1/rule-sets/drafts/{draftId}/publish': e('ruleSet.write'),
  'POST /v1/rule-sets/drafts/{draftId}/preview': e('ruleSet.write', (x) => ({ body: { storeId: x.world.a.storeA1, lines: [{ sku: 'WATER', quantity: 1 }] } })),
  'GET /v1/rule-sets/active': e('ruleSet.read', undefined, neutral),
  'GET /v1/rule-sets/versions': e('ruleSet.read', undefined, neutral),
  'GET /v1/rule-sets/versions/{version}': e('ruleSet.read', undefined, neutral),
  'POST /v1/imports/members': e('import', (x) => ({ query: { storeId: x.world.a.storeA1, format: 'csv', dryRun: 'true' }, raw: { contentType: 'text/csv', data: 'name,phone\n导入会员,13720000001\n' } })),
  'GET /v1/exports/members': e('export', undefined, neutral),
  'GET /v1/exports/ledger': e('export', undefined, neutral),
  'GET /v1/exports/sales': e('export', undefined, neutral),
  'POST /v1/terminals/{terminalId}/enrolment-code': e('terminal.write'),
  'POST /v1/terminals/enrol': e('public'),
  'POST /v1/terminals/{terminalId}/revoke': e('terminal.write', async (x) => ({ params: { terminalId: (await x.fresh.enrolledTerminal()).id } })),
  'GET /v1/terminals/{terminalId}/sync-status': e('terminal.read'),
  'GET /v1/terminal-sync-status': e('terminal.read', undefined, neutral),
  'PUT /v1/catalogue/items': e('ruleSet.write', (x) => ({ body: [{ sku: `SKU-${x.n}`, name: { zh: '矿泉水', en: 'Water' }, unitPriceFen: 200, unit: 'piece', category: 'drinks' }] }), neutral),
  'GET /v1/catalogue/items': e('ruleSet.read', undefined, neutral),
  'POST /v1/marketing/campaigns': e('marketing.write', async (x) => ({ body: { name: `活动 ${x.n}`, couponDefId: 'C10', target: { kind: 'list', memberIds: [(await x.fresh.member()).id] } } })),
  'GET /v1/marketing/campaigns': e('marketing.read', undefined, neutral),
  'GET /v1/marketing/campaigns/{campaignId}': e('marketing.read', campaignOfCaller),
  'POST /v1/marketing/campaigns/{campaignId}/issue': e('marketing.write', campaignOfCaller),
  'GET /v1/marketing/campaigns/{campaignId}/effect': e('marketing.read', campaignOfCaller),
  'POST /v1/marketing/coupons': e('marketing.write', async (x) => ({ body: { definitionId: 'C10', memberIds: [(await x.fresh.member()).id], idempotencyKey: key(x) } })),
  'GET /v1/marketing/members/{memberId}/coupons': e('member.read'),
  'POST /m/api/otp': e('public'),
  'POST /m/api/login': e('public'),
  'POST /m/api/logout': e('public'),
  'GET /m/api/me': e('member-session'),
  'PATCH /m/api/me': e('member-session'),
  'PUT /m/api/me/notifications': e('member-session', () => ({ body: { sms: false, wechat: false } })),
  'GET /m/api/code': e('member-session'),
  'GET /v1/jobs': e('hq-only', undefined, neutral),
  'POST /v1/jobs/{name}/run': e('hq-only', () => ({ params: { name: 'rfm-segments' }, body: { asOf: day } }), neutral),
  'GET /v1/jobs/runs': e('hq-only', undefined, neutral),
  'GET /v1/jobs/settings': e('hq-only', undefined, neutral),
  'PUT /v1/jobs/settings': e('hq-only', async (x) => ({ body: (await x.world.clients.hq_admin.get('/v1/jobs/settings')).body }), neutral),
  'GET /v1/analytics/rfm': e('hq-only', () => ({ query: { period: day } }), neutral),
  'GET /v1/analytics/churn': e('hq-only', () => ({ query: { period: day } }), neutral),
  'GET /v1/analytics/reminders': e('hq-only', () => ({ query: { date: day } }), neutral),
  'POST /v1/analytics/behaviours': e('hq-only', async (x) => ({ body: { memberId: (await x.fresh.member()).id, kind: 'review', businessDate: day, idempotencyKey: key(x) } })),
};
