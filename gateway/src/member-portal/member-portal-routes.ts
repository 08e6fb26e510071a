// The member page at /m/ and its API under /m/api/*: zod-validated, errors `{ error: { code,
// message } }` like the rest of the gateway, authenticated by a member session (httpOnly cookie
// `pos_member`, or `Authorization: Bearer`), never by a staff token.
import { getConnInfo } from '@hono/node-server/conninfo';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { GatewayError } from '../errors.js';
import { addRoute, type GatewayApp, type GatewayEnv } from '../http/route.js';
import type { Services } from '../services.js';
import { memberPageClientScript } from './member-page-bundle.js';
import { memberPageHtml } from './member-page-html.js';
import { MemberPortalService } from './member-portal-service.js';
import type { MemberSession } from './member-session-service.js';

export const MEMBER_COOKIE = 'pos_member';
const MAX_MEMBER_BODY_BYTES = 16 * 1024;

const Locale = z.enum(['zh-CN', 'en']).default('zh-CN');
const MerchantCode = z.string().min(1).max(64);
const Phone = z.string().min(1).max(32);
const SendBody = z.object({ merchantCode: MerchantCode, phone: Phone, locale: Locale });
const LoginBody = z.object({
  merchantCode: MerchantCode,
  phone: Phone,
  code: z.string().min(1).max(12),
  referrerId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/).optional(),
  storeCode: z.string().min(1).max(64).optional(),
});
const AttributeValue = z.union([z.string().max(500), z.number()]);
const ProfileBody = z.object({
  name: z.string().trim().min(1).max(50).optional(),
  gender: z.enum(['female', 'male', 'unknown']).optional(),
  birthday: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  attributes: z.record(z.string().max(64), AttributeValue).optional(),
});
const OptOutBody = z.object({ sms: z.boolean(), wechat: z.boolean() });
const EditableBody = z.object({ memberEditable: z.boolean() });

function clientIp(c: Context<GatewayEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function sessionOf(c: Context<GatewayEnv>, portal: MemberPortalService): Promise<MemberSession & { token: string }> {
  const header = /^Bearer ([A-Za-z0-9_-]{1,100})$/.exec(c.req.header('authorization') ?? '')?.[1];
  const token = header ?? getCookie(c, MEMBER_COOKIE);
  if (!token) throw new GatewayError('UNAUTHENTICATED', '请先登录 / please log in');
  return { ...(await portal.sessions.authenticate(token)), token };
}

export function memberPortalRoutes(app: GatewayApp, s: Services): void {
  const portal = new MemberPortalService(s.gdb, s.clock, s.members, s.notifications, s.log);
  const tooLarge = () => {
    throw new GatewayError('PAYLOAD_TOO_LARGE', '请求体过大 / request body too large');
  };
  app.use('/m/api/*', bodyLimit({ maxSize: MAX_MEMBER_BODY_BYTES, onError: tooLarge }));
  app.use('/m/api/*', async function noStore(c, next) {
    await next();
    c.header('cache-control', 'no-store');
  });

  // ── the page ───────────────────────────────────────────────────────────────────────────────
  app.get('/m', (c) => c.redirect('/m/', 302));
  app.get('/m/', async (c) => {
    const sole = await portal.soleMerchant();
    if (!sole) return c.html(memberPageHtml({ merchantCode: null, merchantName: null }), 200);
    return c.redirect(`/m/${encodeURIComponent(sole.code)}/${new URL(c.req.url).search}`, 302);
  });
  app.get('/m/app.js', async (c) => {
    c.header('content-type', 'text/javascript; charset=utf-8');
    c.header('cache-control', 'public, max-age=300');
    return c.body(await memberPageClientScript());
  });
  app.get('/m/:merchantCode/', async (c) => {
    const merchant = await portal.merchantByCode(c.req.param('merchantCode'));
    c.header('cache-control', 'no-store');
    return c.html(memberPageHtml({ merchantCode: merchant.code, merchantName: merchant.name }), 200);
  });
  app.get('/m/:merchantCode', (c) => c.redirect(`/m/${encodeURIComponent(c.req.param('merchantCode'))}/`, 302));

  // ── the API ────────────────────────────────────────────────────────────────────────────────
  const tag = 'member page';
  addRoute(
    app,
    { method: 'post', path: '/m/api/otp', tag, summary: 'Send a one-time login code by SMS (same answer whether or not the phone is a member)', body: SendBody, auth: false, response: z.object({ sent: z.literal(true), retryAfterSeconds: z.number(), expiresInSeconds: z.number() }) },
    async ({ body, c }) => ({ sent: true as const, ...(await portal.sendCode(body.merchantCode, body.phone, clientIp(c), body.locale)) }),
  );
  addRoute(
    app,
    { method: 'post', path: '/m/api/login', tag, summary: 'Verify the code; log in, or register first when the phone is new', body: LoginBody, auth: false, response: z.object({ token: z.string(), expiresAt: z.number(), memberId: z.string(), registered: z.boolean() }) },
    async ({ body, c }) => {
      const out = await portal.login(body);
      setCookie(c, MEMBER_COOKIE, out.token, { httpOnly: true, sameSite: 'Lax', path: '/m', secure: new URL(c.req.url).protocol === 'https:', expires: new Date(out.expiresAt) });
      return out;
    },
  );
  addRoute(app, { method: 'post', path: '/m/api/logout', tag, summary: 'End the member session', auth: false, response: z.object({ ok: z.literal(true) }) }, async ({ c }) => {
    const session = await sessionOf(c, portal);
    await portal.sessions.end(session.token);
    deleteCookie(c, MEMBER_COOKIE, { path: '/m' });
    return { ok: true as const };
  });
  addRoute(app, { method: 'get', path: '/m/api/me', tag, summary: "The member's own view: tier, points with expiry, balance, coupons, purchases, recharge plans", auth: false }, async ({ c }) => {
    const session = await sessionOf(c, portal);
    return portal.overview(session.merchantId, session.memberId);
  });
  addRoute(app, { method: 'patch', path: '/m/api/me', tag, summary: 'Complete or edit the profile (name, gender, birthday once, member-editable attributes)', body: ProfileBody, auth: false }, async ({ c, body }) => {
    const session = await sessionOf(c, portal);
    return portal.updateProfile(session.merchantId, session.memberId, body);
  });
  addRoute(app, { method: 'put', path: '/m/api/me/notifications', tag, summary: 'Opt out of (or back into) marketing messages per channel', body: OptOutBody, auth: false, response: z.object({ optOuts: z.array(z.string()) }) }, async ({ c, body }) => {
    const session = await sessionOf(c, portal);
    return { optOuts: await portal.setOptOuts(session.merchantId, session.memberId, body) };
  });
  addRoute(
    app,
    { method: 'get', path: '/m/api/code', tag, summary: 'The dynamic member code (changes every 30 s) and its QR as SVG', auth: false, response: z.object({ payload: z.string(), expiresAtMs: z.number(), svg: z.string() }) },
    async ({ c }) => {
      const session = await sessionOf(c, portal);
      return portal.memberCode(session.merchantId, session.memberId);
    },
  );

  // HQ: which custom attributes members may edit themselves (staff bearer token, /v1).
  addRoute(
    app,
    { method: 'put', path: '/v1/member-attributes/{key}/member-editable', tag: 'members', summary: 'Let members edit this attribute on the member page (HQ)', params: z.object({ key: z.string().min(1).max(64) }), body: EditableBody, response: z.object({ key: z.string(), memberEditable: z.boolean() }) },
    ({ actor, params, body }) => portal.setAttributeMemberEditable(actor, params.key, body.memberEditable),
  );
}
