// Staff login over HTTP: scrypt hashes, lockout after repeated failures, expiring bearer tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT_MS, MAX_FAILED_LOGINS, TOKEN_TTL_MS } from '../../gateway/src/auth/auth-service.js';
import { systemActor } from '../../gateway/src/context.js';
import { DIALECTS } from './harness.js';
import { startTestGateway, type TestGateway } from './http-harness.js';

describe.each(DIALECTS)('staff auth on %s', (dialect) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(dialect);
    const s = t.gw.services;
    const m = await s.hierarchy.createMerchant({ code: 'acme', name: 'Acme' });
    await s.hierarchy.createStaff(systemActor(m.id), { username: 'boss', displayName: '老板', password: 'right-password', role: 'hq_admin' });
    await s.hierarchy.createStaff(systemActor(m.id), { username: 'victim', displayName: '受害者', password: 'right-password', role: 'hq_admin' });
  });
  afterAll(async () => t?.close());

  it('stores an scrypt hash, never the password', async () => {
    const row = await t.gw.services.gdb.db.selectFrom('staff').select('password_hash').where('username', '=', 'boss').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(row.password_hash).not.toContain('right-password');
  });

  it('logs in, answers /me, and refuses the token once it expires', async () => {
    const before = t.clock.now;
    const r = await t.client.post('/v1/auth/login', { merchantCode: 'acme', username: 'boss', password: 'right-password' });
    expect(r.status).toBe(200);
    expect(r.body.staff).toMatchObject({ username: 'boss', role: 'hq_admin', storeId: null });
    // The login read the clock once, after `before` (the clock ticks 1 ms per reading).
    expect(r.body.expiresAt - TOKEN_TTL_MS).toBeGreaterThan(before);
    expect(r.body.expiresAt - TOKEN_TTL_MS).toBeLessThanOrEqual(t.clock.now);
    const me = await t.client.withToken(r.body.token).get('/v1/auth/me');
    expect(me.body).toMatchObject({ role: 'hq_admin', regionId: null, storeId: null });
    t.clock.advance(TOKEN_TTL_MS);
    const expired = await t.client.withToken(r.body.token).get('/v1/auth/me');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses missing, malformed and forged tokens with 401', async () => {
    expect((await t.client.get('/v1/stores')).status).toBe(401);
    expect((await t.client.withToken('nonsense').get('/v1/stores')).status).toBe(401);
    const r = await t.client.post('/v1/auth/login', { merchantCode: 'acme', username: 'boss', password: 'right-password' });
    const [m, sid] = (r.body.token as string).split('.');
    const forged = `${m}.${sid}.${'A'.repeat(43)}`;
    expect((await t.client.withToken(forged).get('/v1/stores')).body).toEqual({ error: { code: 'UNAUTHENTICATED', message: '登录已失效 / missing, invalid or expired token' } });
  });

  it(`locks the account after ${MAX_FAILED_LOGINS} failures, even for the right password, until the lockout ends`, async () => {
    const attempt = (password: string) => t.client.post('/v1/auth/login', { merchantCode: 'acme', username: 'victim', password });
    const statuses = [];
    for (let i = 0; i < MAX_FAILED_LOGINS; i += 1) statuses.push((await attempt('wrong')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    const locked = await attempt('right-password');
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe('ACCOUNT_LOCKED');
    t.clock.advance(LOCKOUT_MS + 1);
    expect((await attempt('right-password')).status).toBe(200);
  });

  it('answers the same for an unknown merchant, unknown user and wrong password', async () => {
    const bodies = await Promise.all([
      t.client.post('/v1/auth/login', { merchantCode: 'nope', username: 'boss', password: 'x' }),
      t.client.post('/v1/auth/login', { merchantCode: 'acme', username: 'nobody', password: 'x' }),
      t.client.post('/v1/auth/login', { merchantCode: 'acme', username: 'boss', password: 'x' }),
    ]);
    expect(new Set(bodies.map((b) => b.text)).size).toBe(1);
    expect(bodies[0]?.status).toBe(401);
  });
});
