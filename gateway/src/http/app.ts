// The Hono application: body limits, bearer authentication, the routes, the OpenAPI document, and
// one error handler that turns every failure into `{ error: { code, message, field? } }`.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Services } from '../services.js';
import { GatewayError } from '../errors.js';
import { auditReportRoutes } from './routes/audit-report-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { cardRoutes } from './routes/card-routes.js';
import { hierarchyRoutes } from './routes/hierarchy-routes.js';
import { ledgerRoutes } from './routes/ledger-routes.js';
import { importExportRoutes } from './routes/import-export-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { memberRoutes } from './routes/member-routes.js';
import { memberPortalRoutes } from '../member-portal/member-portal-routes.js';
import { ruleSetRoutes } from './routes/rule-set-routes.js';
import { consoleRoutes } from './routes/console-routes.js';
import { adminAssets } from '../admin/admin-assets.js';
import { marketingRoutes } from '../marketing/marketing-routes.js';
import type { GatewayApp, GatewayEnv } from './route.js';

export const MAX_JSON_BODY_BYTES = 256 * 1024;
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export interface AppExtensions {
  /** Extra route groups (rule sets, import/export, sync) registered after the core ones. */
  routes?: ((app: GatewayApp, s: Services) => void)[];
}

export function createApp(s: Services, ext: AppExtensions = {}): GatewayApp {
  const app = new OpenAPIHono<GatewayEnv>();
  const log = s.log.child({ module: 'http' });

  const tooLarge = () => {
    throw new GatewayError('PAYLOAD_TOO_LARGE', '请求体过大 / request body too large');
  };
  app.use('/v1/*', async (c, next) => {
    const upload = c.req.path.startsWith('/v1/imports/');
    return bodyLimit({ maxSize: upload ? MAX_UPLOAD_BYTES : MAX_JSON_BODY_BYTES, onError: tooLarge })(c, next);
  });
  app.use('/v1/*', async function authenticate(c, next) {
    // A new terminal has no credentials yet: it proves itself with its one-time enrolment code.
    if (c.req.path === '/v1/auth/login' || c.req.path === '/v1/terminals/enrol') return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._-]{1,200})$/.exec(header);
    if (!match?.[1]) throw new GatewayError('UNAUTHENTICATED', '需要登录 / a bearer token is required');
    c.set('actor', await s.auth.authenticate(match[1]));
    c.set('token', match[1]);
    return next();
  });

  authRoutes(app, s);
  hierarchyRoutes(app, s);
  memberRoutes(app, s);
  cardRoutes(app, s);
  ledgerRoutes(app, s);
  auditReportRoutes(app, s);
  reportRoutes(app, s);
  ruleSetRoutes(app, s);
  marketingRoutes(app, s);
  importExportRoutes(app, s);
  // The member page (/m/) and its API (/m/api/*, member sessions, not staff tokens).
  memberPortalRoutes(app, s);
  consoleRoutes(app, s);
  for (const add of ext.routes ?? []) add(app, s);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'POS membership gateway',
      version: '0.1.0',
      description:
        'HQ and store API. All money is integer fen (1 yuan = 100 fen); points are integers. Errors are `{ error: { code, message, field? } }`. Lists use cursor pagination: pass `nextCursor` as `cursor`.',
    },
  });

  // The HQ console (gateway/admin), served from its Vite build.
  adminAssets(app);

  app.notFound(() => {
    throw new GatewayError('NOT_FOUND', '接口不存在 / no such endpoint');
  });
  app.onError((error, c) => {
    if (error instanceof GatewayError) {
      // The rest of an oversized body is never read: tell the client this connection is done.
      if (error.code === 'PAYLOAD_TOO_LARGE') c.header('connection', 'close');
      return c.json({ error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } }, error.status as 400);
    }
    if (error instanceof HTTPException) {
      return c.json({ error: { code: 'HTTP_' + error.status, message: error.message } }, error.status);
    }
    log.error({ err: error, path: c.req.path, method: c.req.method }, 'unhandled error');
    return c.json({ error: { code: 'INTERNAL', message: '服务器内部错误 / internal error' } }, 500);
  });
  return app;
}
