// Members, their tags, notes, ledger and the merchant's custom attributes.
import { z } from '@hono/zod-openapi';
import { require } from '../../auth/permissions.js';
import { listMemberLedger } from '../../ledger/ledger-service.js';
import type { Services } from '../../services.js';
import { addRoute, type GatewayApp } from '../route.js';
import {
  AttributeDefinitionSchema, GrowthBody, GrowthChangeSchema, LedgerEntrySchema, MemberBody, MemberDetailSchema, MemberPatch, MemberSearchQuery, MemberSummarySchema, NoteBody, NoteSchema, Paging, TagsBody, pageOf, params,
} from '../schemas.js';

export function memberRoutes(app: GatewayApp, s: Services): void {
  const m = s.members;
  addRoute(app, { method: 'get', path: '/v1/member-attributes', tag: 'members', summary: 'Custom member attributes of the merchant', response: z.array(AttributeDefinitionSchema) }, ({ actor }) => m.listAttributes(actor));
  addRoute(app, { method: 'post', path: '/v1/member-attributes', tag: 'members', summary: 'Define a custom attribute (HQ)', body: AttributeDefinitionSchema, response: AttributeDefinitionSchema, status: 201 }, ({ actor, body }) => m.defineAttribute(actor, body));

  addRoute(app, { method: 'get', path: '/v1/members', tag: 'members', summary: 'Search by phone, card number, name fragment or tag (phones masked)', query: MemberSearchQuery, response: pageOf(MemberSummarySchema) }, ({ actor, query }) => m.search(actor, query));
  addRoute(app, { method: 'post', path: '/v1/members', tag: 'members', summary: 'Create a member', body: MemberBody, response: MemberDetailSchema, status: 201 }, ({ actor, body }) => m.createMember(actor, body));
  addRoute(app, { method: 'get', path: '/v1/members/{memberId}', tag: 'members', summary: "The member's full view (unmasked phone, balances, lots, cards, notes)", params: params.memberId, response: MemberDetailSchema }, ({ actor, params: p }) => m.getMember(actor, p.memberId));
  addRoute(app, { method: 'patch', path: '/v1/members/{memberId}', tag: 'members', summary: 'Update a member', params: params.memberId, body: MemberPatch, response: MemberDetailSchema }, ({ actor, params: p, body }) => m.updateMember(actor, p.memberId, body));
  addRoute(app, { method: 'post', path: '/v1/members/{memberId}/tags', tag: 'members', summary: 'Add and remove tags', params: params.memberId, body: TagsBody, response: z.object({ tags: z.array(z.string()) }) }, async ({ actor, params: p, body }) => ({ tags: await m.setTags(actor, p.memberId, body) }));
  addRoute(app, { method: 'get', path: '/v1/members/{memberId}/notes', tag: 'members', summary: 'Follow-up notes (回访记录)', params: params.memberId, query: Paging, response: pageOf(NoteSchema) }, ({ actor, params: p, query }) => m.listNotes(actor, p.memberId, query));
  addRoute(app, { method: 'post', path: '/v1/members/{memberId}/notes', tag: 'members', summary: 'Add a follow-up note', params: params.memberId, body: NoteBody, response: NoteSchema, status: 201 }, ({ actor, params: p, body }) => m.addNote(actor, p.memberId, body.body));
  addRoute(app, { method: 'post', path: '/v1/members/{memberId}/growth', tag: 'members', summary: 'Add or remove growth value (成长值); the tier follows the active rule set', params: params.memberId, body: GrowthBody, response: GrowthChangeSchema, status: 201 }, async ({ actor, params: p, body }) => {
    require(actor, 'points.write');
    await m.visibleRow(actor, p.memberId);
    return s.growth.addGrowth(actor, { ...body, memberId: p.memberId });
  });
  addRoute(app, { method: 'get', path: '/v1/members/{memberId}/ledger', tag: 'members', summary: "The member's ledger transactions with postings (fen / points)", params: params.memberId, query: Paging, response: pageOf(LedgerEntrySchema) }, async ({ actor, params: p, query }) => {
    require(actor, 'member.read');
    await m.visibleRow(actor, p.memberId);
    return listMemberLedger(s.gdb, actor.merchantId, p.memberId, query);
  });
}
