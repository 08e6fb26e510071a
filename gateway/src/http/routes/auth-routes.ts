// POST /v1/auth/login, /v1/auth/logout, GET /v1/auth/me.
import { z } from '@hono/zod-openapi';
import type { Services } from '../../services.js';
import { addRoute, type GatewayApp } from '../route.js';
import { LoginBody, LoginResponse } from '../schemas.js';

export function authRoutes(app: GatewayApp, s: Services): void {
  addRoute(app, { method: 'post', path: '/v1/auth/login', tag: 'auth', summary: 'Staff login → bearer token (locks after 5 failures)', body: LoginBody, response: LoginResponse, auth: false }, ({ body }) =>
    s.auth.login(body.merchantCode, body.username, body.password),
  );
  addRoute(app, { method: 'post', path: '/v1/auth/logout', tag: 'auth', summary: 'End this session', response: z.object({ ok: z.boolean() }) }, async ({ actor, c }) => {
    await s.auth.logout(actor, c.get('token'));
    return { ok: true };
  });
  addRoute(app, { method: 'get', path: '/v1/auth/me', tag: 'auth', summary: 'Who the token belongs to', response: z.object({ merchantId: z.string(), staffId: z.string().nullable(), role: z.string().nullable(), regionId: z.string().nullable(), storeId: z.string().nullable() }) }, async ({ actor }) => actor);
}
