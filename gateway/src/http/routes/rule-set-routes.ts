// Rule set drafts (HQ), publishing, and the published versions terminals download.
import { z } from '@hono/zod-openapi';
import type { Services } from '../../services.js';
import { addRoute, type GatewayApp } from '../route.js';
import { params } from '../schemas.js';

const DraftBody = z.object({ name: z.string().trim().min(1).max(100), content: z.unknown().openapi({ description: "the engine's RuleSet (see @pos/engine); money in fen" }) });
const DraftPatch = z.object({ name: z.string().trim().min(1).max(100).optional(), content: z.unknown() });
const DraftSchema = z.object({
  id: z.string(), name: z.string(), content: z.unknown(), createdAt: z.number(), updatedAt: z.number(),
  validation: z.object({ ok: z.boolean(), field: z.string().optional(), message: z.string().optional() }),
}).openapi('RuleSetDraft');
const PublishedSchema = z.object({ ruleSetId: z.string(), draftId: z.string(), version: z.number().int(), publishedAt: z.number(), publishedBy: z.string(), rules: z.unknown() }).openapi('PublishedRuleSet');

export function ruleSetRoutes(app: GatewayApp, s: Services): void {
  const r = s.ruleSets;
  addRoute(app, { method: 'get', path: '/v1/rule-sets/drafts', tag: 'rule sets', summary: 'Drafts (HQ)', response: z.array(DraftSchema) }, ({ actor }) => r.listDrafts(actor));
  addRoute(app, { method: 'post', path: '/v1/rule-sets/drafts', tag: 'rule sets', summary: 'Create a draft (HQ)', body: DraftBody, response: DraftSchema, status: 201 }, ({ actor, body }) => r.createDraft(actor, body));
  addRoute(app, { method: 'get', path: '/v1/rule-sets/drafts/{draftId}', tag: 'rule sets', summary: 'One draft with its validation', params: params.draftId, response: DraftSchema }, ({ actor, params: p }) => r.getDraft(actor, p.draftId));
  addRoute(app, { method: 'put', path: '/v1/rule-sets/drafts/{draftId}', tag: 'rule sets', summary: 'Replace a draft’s content', params: params.draftId, body: DraftPatch, response: DraftSchema }, ({ actor, params: p, body }) => r.updateDraft(actor, p.draftId, body));
  addRoute(app, { method: 'post', path: '/v1/rule-sets/drafts/{draftId}/publish', tag: 'rule sets', summary: 'Publish as the next immutable version (422 when invalid)', params: params.draftId, response: PublishedSchema, status: 201 }, ({ actor, params: p }) => r.publish(actor, p.draftId));
  addRoute(app, { method: 'get', path: '/v1/rule-sets/active', tag: 'rule sets', summary: 'The latest published version', response: PublishedSchema }, ({ actor }) => r.getVersion(actor));
  addRoute(app, { method: 'get', path: '/v1/rule-sets/versions', tag: 'rule sets', summary: 'All published versions', response: z.array(z.object({ ruleSetId: z.string(), version: z.number(), publishedAt: z.number(), publishedBy: z.string() })) }, ({ actor }) => r.listVersions(actor));
  addRoute(app, { method: 'get', path: '/v1/rule-sets/versions/{version}', tag: 'rule sets', summary: 'One published version', params: params.version, response: PublishedSchema }, ({ actor, params: p }) => r.getVersion(actor, p.version));
}
