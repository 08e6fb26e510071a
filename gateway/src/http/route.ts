// One way to declare an HTTP route: its zod schemas validate the request and document it in the
// OpenAPI registry, so `/openapi.json` is generated from the same schemas that guard the handler.
import type { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Actor } from '../context.js';
import { GatewayError } from '../errors.js';

export interface GatewayEnv {
  Variables: { actor: Actor; token: string };
}
export type GatewayApp = OpenAPIHono<GatewayEnv>;

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: Method;
  /** OpenAPI style: /v1/members/{memberId} */
  path: string;
  tag: string;
  summary: string;
  body?: B;
  query?: Q;
  params?: P;
  response?: z.ZodType;
  status?: 200 | 201;
  /** false for login only. */
  auth?: boolean;
  /** Raw (non-JSON) request body, e.g. a CSV upload. */
  rawBody?: { contentTypes: string[] };
  /** Response media types when not JSON (exports). */
  produces?: string[];
}

export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  actor: Actor;
  c: Context<GatewayEnv>;
}

/** The first zod issue as a VALIDATION error naming the field. */
export function validationError(error: z.ZodError, prefix?: string): GatewayError {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const field = [prefix, path].filter((p) => p && p.length > 0).join('.') || undefined;
  return new GatewayError('VALIDATION', `输入无效 / invalid input${field ? ` at ${field}` : ''}: ${issue?.message ?? 'invalid'}`, field);
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error, where === 'body' ? undefined : where);
  return r.data;
}

const ERROR_RESPONSE = {
  description: 'Error: `{ error: { code, message, field? } }`',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
            required: ['code', 'message'],
          },
        },
      },
    },
  },
} as const;

export function addRoute<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(
  app: GatewayApp,
  spec: RouteSpec<B, Q, P>,
  handler: (input: RouteInput<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<unknown>,
): void {
  const status = spec.status ?? 200;
  const responses: Record<string, unknown> = {
    [status]: spec.produces
      ? { description: 'OK', content: Object.fromEntries(spec.produces.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) }
      : spec.response
        ? { description: 'OK', content: { 'application/json': { schema: spec.response } } }
        : { description: 'OK' },
    400: ERROR_RESPONSE,
    ...(spec.auth === false ? {} : { 401: ERROR_RESPONSE, 403: ERROR_RESPONSE, 404: ERROR_RESPONSE }),
  };
  app.openAPIRegistry.registerPath({
    method: spec.method,
    path: spec.path,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.auth === false ? {} : { security: [{ bearerAuth: [] }] }),
    request: {
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } }, required: true } } : {}),
      ...(spec.rawBody
        ? { body: { content: Object.fromEntries(spec.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])), required: true } }
        : {}),
    },
    responses: responses as never,
  });
  const honoPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
  app.on(spec.method.toUpperCase(), honoPath, async (c) => {
    let rawBody: unknown;
    if (spec.body) {
      try {
        rawBody = await c.req.json();
      } catch {
        throw new GatewayError('VALIDATION', '请求体不是有效的 JSON / request body is not valid JSON');
      }
    }
    const input = {
      body: parse(spec.body, rawBody, 'body'),
      query: parse(spec.query, c.req.query(), 'query'),
      params: parse(spec.params, c.req.param(), 'params'),
      actor: c.get('actor'),
      c,
    };
    const out = await handler(input);
    if (out instanceof Response) return out;
    return c.json(out as object, status);
  });
}
