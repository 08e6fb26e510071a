// HTTP routes of terminal enrolment: HQ or a store manager issues a one-time code for a terminal
// and can revoke its key; the terminal redeems the code (the only unauthenticated route besides
// login, since a new terminal has no credentials yet).
import { z } from '@hono/zod-openapi';
import { require as requireAction, storesInScope } from '../auth/permissions.js';
import type { GatewayApp } from '../http/route.js';
import { addRoute } from '../http/route.js';
import type { Services } from '../services.js';
import type { SyncEndpoint } from './sync-endpoint.js';
import type { TerminalKeyService } from './terminal-keys.js';
import { syncDb } from './sync-tables.js';

const TerminalParams = z.object({ terminalId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/) });
const EnrolBody = z.object({ code: z.string().regex(/^\d{6,12}$/, 'expected the 10-digit enrolment code') });
const EnrolmentCode = z.object({ code: z.string(), expiresAt: z.number().int() });
const Enrolment = z.object({ terminalId: z.string(), storeId: z.string(), merchantId: z.string(), secret: z.string() });
const SyncStatus = z.object({
  enrolled: z.boolean(),
  revoked: z.boolean(),
  connected: z.boolean(),
});

const TerminalSyncRow = z.object({
  terminalId: z.string(), storeId: z.string(), name: z.string(), enrolled: z.boolean(), revoked: z.boolean(), connected: z.boolean(),
  enrolledAt: z.number().nullable(), lastSeenAt: z.number().nullable(), ruleSetVersion: z.number().nullable(), softwareVersion: z.string().nullable(), pendingEvents: z.number().nullable(),
});
const MAX_TERMINALS_LISTED = 5000;

export const ENROL_PATH = '/v1/terminals/enrol';

export function syncRoutes(keys: TerminalKeyService, endpoint: () => SyncEndpoint | null) {
  return (app: GatewayApp, s: Services): void => {
    addRoute(
      app,
      { method: 'post', path: '/v1/terminals/{terminalId}/enrolment-code', tag: 'sync', summary: 'Issue a one-time enrolment code for a terminal (valid 24 h)', params: TerminalParams, response: EnrolmentCode, status: 201 },
      async ({ actor, params }) => {
        requireAction(actor, 'terminal.write');
        await s.hierarchy.getTerminal(actor, params.terminalId);
        return keys.issueEnrolmentCode(actor.merchantId, params.terminalId, actor.staffId);
      },
    );
    addRoute(
      app,
      { method: 'post', path: ENROL_PATH, tag: 'sync', summary: 'Redeem an enrolment code: the terminal gets its id and signing secret', body: EnrolBody, response: Enrolment, auth: false },
      ({ body }) => keys.redeem(body.code),
    );
    addRoute(
      app,
      { method: 'post', path: '/v1/terminals/{terminalId}/revoke', tag: 'sync', summary: "Revoke a terminal's key: its next frame is refused and its socket closed", params: TerminalParams, response: SyncStatus },
      async ({ actor, params }) => {
        requireAction(actor, 'terminal.write');
        await s.hierarchy.getTerminal(actor, params.terminalId);
        await keys.revoke(actor.merchantId, params.terminalId);
        endpoint()?.disconnect(params.terminalId, 'TERMINAL_REVOKED');
        return { enrolled: true, revoked: true, connected: false };
      },
    );
    addRoute(
      app,
      { method: 'get', path: '/v1/terminal-sync-status', tag: 'sync', summary: 'Every terminal in scope with its key state, last contact, the rule-set version it reported at its last hello, and whether it is connected now', response: z.object({ items: z.array(TerminalSyncRow) }) },
      async ({ actor }) => {
        requireAction(actor, 'terminal.read');
        const scope = await storesInScope(s.gdb.db, actor);
        let q = syncDb(s.gdb)
          .selectFrom('terminals as t')
          .leftJoin('terminal_keys as k', (j) => j.onRef('k.merchant_id', '=', 't.merchant_id').onRef('k.terminal_id', '=', 't.id'))
          .select(['t.id', 't.store_id', 't.name', 'k.status', 'k.enrolled_at', 'k.last_seen_at', 'k.rule_set_version', 'k.software_version', 'k.pending_events'])
          .where('t.merchant_id', '=', actor.merchantId);
        if (scope !== 'all') q = q.where('t.store_id', 'in', scope.length ? scope : ['-']);
        const rows = await q.orderBy('t.id').limit(MAX_TERMINALS_LISTED).execute();
        const connected = new Set(endpoint()?.connectedTerminals() ?? []);
        return {
          items: rows.map((r) => ({
            terminalId: r.id, storeId: r.store_id, name: r.name, enrolled: r.status !== null, revoked: r.status === 'revoked', connected: connected.has(r.id),
            enrolledAt: r.enrolled_at === null ? null : Number(r.enrolled_at), lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
            ruleSetVersion: r.rule_set_version === null ? null : Number(r.rule_set_version), softwareVersion: r.software_version, pendingEvents: r.pending_events === null ? null : Number(r.pending_events),
          })),
        };
      },
    );
    addRoute(
      app,
      { method: 'get', path: '/v1/terminals/{terminalId}/sync-status', tag: 'sync', summary: 'Whether a terminal is enrolled, revoked and connected', params: TerminalParams, response: SyncStatus },
      async ({ actor, params }) => {
        await s.hierarchy.getTerminal(actor, params.terminalId);
        const key = await keys.keyOf(params.terminalId);
        return {
          enrolled: key !== null,
          revoked: key?.revoked ?? false,
          connected: endpoint()?.connectedTerminals().includes(params.terminalId) ?? false,
        };
      },
    );
  };
}
