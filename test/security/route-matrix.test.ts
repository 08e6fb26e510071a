// Every operation of the gateway's OpenAPI document, generated from the document itself so a new
// route cannot skip it: (i) without a token → 401; (ii) merchant B's HQ with merchant A's ids → 403
// or 404, never a success acting on A and never A's data; (iii) each role of merchant A gets exactly
// what the permission table (gateway/src/auth/permissions.ts `can`) says: the documented success
// when its role has the route's permission, 403 when not. Expectations: route-expectations.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can } from '../../gateway/src/auth/permissions.js';
import type { Role } from '../../gateway/src/context.js';
import { DIALECTS } from '../gateway/harness.js';
import { login, startTestGateway, type Client, type HttpResult, type TestGateway } from '../gateway/http-harness.js';
import { ROUTE_EXPECTATIONS, type Access, type RequestContext, type SampleRequest } from './route-expectations.js';
import { PASSWORD, ROLES, USERNAMES, seedSecurityWorld, type SecurityWorld } from './security-world.js';

interface Operation {
  key: string;
  method: string;
  path: string;
  success: number;
}

const GHOST_ULID = '01JZZZZZZZZZZZZZZZZZZZZZZZ';

export function operationsOf(doc: { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const success = Object.keys(op.responses ?? {}).map(Number).find((s) => s >= 200 && s < 300) ?? 200;
      ops.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, success });
    }
  }
  return ops;
}

export function allowed(role: Role, access: Access): boolean {
  if (access === 'any-staff') return true;
  if (access === 'hq-only') return role === 'hq_admin';
  if (access === 'public' || access === 'member-session') return false;
  return can({ merchantId: '-', staffId: '-', role, regionId: null, storeId: null }, access);
}

async function defaultParam(name: string, x: RequestContext): Promise<string> {
  switch (name) {
    case 'merchantId':
      return x.world.a.merchantId;
    case 'regionId':
      return x.world.a.regionA;
    case 'storeId':
      return x.world.a.storeA1;
    case 'staffId':
      return x.world.staffIds.cashier;
    case 'memberId':
      return (await x.fresh.member()).id;
    case 'cardNo':
      return (await x.fresh.card()).cardNo;
    case 'terminalId':
      return (await x.fresh.terminal()).id;
    case 'draftId':
      return (await x.fresh.draft()).id;
    case 'campaignId':
      return (await x.fresh.campaign()).id;
    case 'key':
      return (await x.fresh.attribute()).key;
    case 'version':
      return '1';
    default:
      throw new Error(`no sample for path parameter {${name}}: give it in the route's expectation`);
  }
}

async function buildRequest(op: Operation, x: RequestContext): Promise<{ url: string; sample: SampleRequest }> {
  const expectation = ROUTE_EXPECTATIONS[op.key]!;
  const sample = (await expectation.request?.(x)) ?? {};
  let url = op.path;
  for (const [, name] of op.path.matchAll(/\{(\w+)\}/g)) {
    const value = sample.params?.[name!] ?? (await defaultParam(name!, x));
    url = url.replace(`{${name}}`, encodeURIComponent(value));
  }
  if (sample.query) url += `?${new URLSearchParams(sample.query).toString()}`;
  return { url, sample };
}

async function send(client: Client, method: string, url: string, sample: SampleRequest): Promise<HttpResult> {
  if (sample.raw) return client.request(method, url, sample.raw.data, { 'content-type': sample.raw.contentType });
  return client.request(method, url, sample.body ?? (method === 'GET' ? undefined : {}));
}

describe.each(DIALECTS)('route security matrix on %s', (dialect) => {
  let t: TestGateway;
  let world: SecurityWorld;
  let ops: Operation[];
  let n = 0;
  const context = (role: Role): RequestContext => ({ world, fresh: world.fresh, role, n: ++n });

  beforeAll(async () => {
    t = await startTestGateway(dialect);
    world = await seedSecurityWorld(t.gw.services, t.client, dialect === 'sqlite' ? 'L' : 'P');
    const doc = await t.client.get('/openapi.json');
    ops = operationsOf(doc.body);
  }, 120_000);
  afterAll(async () => t?.close());

  it('every operation of the OpenAPI document has a security expectation, and every expectation a route', () => {
    const keys = new Set(ops.map((o) => o.key));
    const problems = [
      ...ops.filter((o) => !(o.key in ROUTE_EXPECTATIONS)).map((o) => `route ${o.key} has no security expectation`),
      ...Object.keys(ROUTE_EXPECTATIONS).filter((k) => !keys.has(k)).map((k) => `expectation ${k} names no route of the document`),
    ];
    expect(problems).toEqual([]);
    expect(ops.length).toBeGreaterThan(60);
  });

  it('(i) without a token, and with a forged one, every route that needs one answers 401', async () => {
    const problems: string[] = [];
    const forged = t.client.withToken('forged.token-value');
    for (const op of ops) {
      const access = ROUTE_EXPECTATIONS[op.key]?.access;
      if (!access || access === 'public') continue;
      const url = op.path.replace(/\{\w+\}/g, GHOST_ULID);
      // Member-page routes validate the body before the session: send the documented sample.
      const sample = access === 'member-session' ? ((await ROUTE_EXPECTATIONS[op.key]!.request?.(context('hq_admin'))) ?? {}) : {};
      for (const [who, client] of [['no token', t.client], ['forged token', forged], ...(access === 'member-session' ? [['a staff token', world.clients.hq_admin] as const] : [])] as const) {
        const r = await client.request(op.method, url, op.method === 'GET' ? undefined : (sample.body ?? {}));
        if (r.status !== 401) problems.push(`${op.key} with ${who} → ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('(iii) each role of merchant A gets exactly what the permission table says', async () => {
    const problems: string[] = [];
    let cells = 0;
    for (const op of ops) {
      const expectation = ROUTE_EXPECTATIONS[op.key];
      if (!expectation || expectation.access === 'public' || expectation.access === 'member-session') continue;
      for (const role of ROLES) {
        const expected = allowed(role, expectation.access) ? op.success : 403;
        let r: HttpResult;
        try {
          const { url, sample } = await buildRequest(op, context(role));
          const client = expectation.ownToken ? await login(t.client, world.a.code, USERNAMES[role], PASSWORD) : world.clients[role];
          r = await send(client, op.method, url, sample);
        } catch (error) {
          problems.push(`${op.key} | ${role}: could not build the request: ${(error as Error).message}`);
          continue;
        }
        cells += 1;
        if (r.status !== expected) problems.push(`${op.key} | ${role} → ${r.status}, permission table says ${expected}: ${r.text.slice(0, 160)}`);
        else if (expected === 403 && r.body?.error?.code !== 'FORBIDDEN') problems.push(`${op.key} | ${role}: 403 without code FORBIDDEN: ${r.text.slice(0, 160)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(cells).toBeGreaterThan(200);
  }, 600_000);

  it("(ii) merchant B's HQ with merchant A's ids: 403 or 404, never a success on A, never A's data", async () => {
    const problems: string[] = [];
    for (const op of ops) {
      const expectation = ROUTE_EXPECTATIONS[op.key];
      if (!expectation || expectation.access === 'public' || expectation.access === 'member-session' || expectation.ownToken) continue;
      let r: HttpResult;
      let requestText: string;
      try {
        const { url, sample } = await buildRequest(op, context('hq_admin'));
        requestText = url + JSON.stringify(sample);
        r = await send(world.strangerB, op.method, url, sample);
      } catch (error) {
        problems.push(`${op.key}: could not build the request: ${(error as Error).message}`);
        continue;
      }
      const success = r.status >= 200 && r.status < 300;
      if (r.status >= 500) problems.push(`${op.key} by merchant B → ${r.status}: ${r.text.slice(0, 160)}`);
      else if (success && !expectation.tenantNeutral) problems.push(`${op.key} by merchant B with A's ids → ${r.status} (expected 403/404): ${r.text.slice(0, 160)}`);
      else if (!success && r.status !== 403 && r.status !== 404 && !expectation.tenantNeutral) problems.push(`${op.key} by merchant B → ${r.status} (expected 403/404): ${r.text.slice(0, 160)}`);
      const leaked = [...world.markersOfA].filter((m) => r.text.includes(m) && !requestText.includes(m));
      if (leaked.length > 0) problems.push(`${op.key} by merchant B shows A's ${leaked.slice(0, 3).join(', ')}`);
    }
    expect(problems).toEqual([]);
  }, 600_000);
});
