// Routes the HQ console needs beyond the resources: the search-as-you-type lookup, the actions the
// signed-in role may take (so the console never offers what the API would refuse) and the preview
// of a rule-set draft on a sample basket.
import { z } from '@hono/zod-openapi';
import { allowedActions } from '../../auth/permissions.js';
import { lookupMembers, MAX_LOOKUP_RESULTS } from '../../members/member-lookup.js';
import { PreviewBody, previewDraft } from '../../rules/rule-set-preview.js';
import type { Services } from '../../services.js';
import { addRoute, type GatewayApp } from '../route.js';
import { params } from '../schemas.js';

const LookupQuery = z.object({
  q: z.string().max(100).openapi({ description: 'phone or card number prefix (2+ digits), name prefix, or #tag' }),
  limit: z.coerce.number().int().min(1).max(MAX_LOOKUP_RESULTS).default(MAX_LOOKUP_RESULTS),
});
const LookupItem = z.object({
  id: z.string(), name: z.string(), phoneMasked: z.string().nullable(), storeId: z.string(), tierId: z.string().nullable(), status: z.string(),
  matchedBy: z.enum(['phone', 'card', 'name', 'tag']), cardNo: z.string().nullable(),
}).openapi('MemberLookupItem');
const Permissions = z.object({
  role: z.string().nullable(), regionId: z.string().nullable(), storeId: z.string().nullable(), actions: z.array(z.string()),
}).openapi('Permissions');
const Preview = z.object({
  now: z.string(), totals: z.record(z.string(), z.number()), lines: z.array(z.unknown()), campaigns: z.unknown(), coupons: z.unknown(), points: z.object({ earned: z.number(), eligible: z.boolean() }),
  explanation: z.array(z.object({ zh: z.string(), en: z.string() })),
}).openapi('RuleSetPreview');

export function consoleRoutes(app: GatewayApp, s: Services): void {
  addRoute(app, { method: 'get', path: '/v1/member-lookup', tag: 'members', summary: 'Search as you type: phone/card prefix, name prefix or #tag; at most 20 members in scope, phones masked', query: LookupQuery, response: z.object({ items: z.array(LookupItem) }) }, ({ actor, query }) =>
    lookupMembers(s.gdb, actor, query.q, query.limit),
  );
  addRoute(app, { method: 'get', path: '/v1/auth/permissions', tag: 'auth', summary: 'The actions the signed-in role may take, and its scope', response: Permissions }, async ({ actor }) => ({
    role: actor.role, regionId: actor.regionId, storeId: actor.storeId, actions: allowedActions(actor),
  }));
  addRoute(app, { method: 'post', path: '/v1/rule-sets/drafts/{draftId}/preview', tag: 'rule sets', summary: "Price a sample basket with a draft through the engine (nothing is written)", params: params.draftId, body: PreviewBody, response: Preview }, ({ actor, params: p, body }) =>
    previewDraft(s.gdb, s.clock, s.ruleSets, actor, p.draftId, body),
  );
}
