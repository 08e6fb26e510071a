// Rule sets: HQ edits drafts, then publishes one as an immutable, numbered version in the engine's
// input format (validated by `RuleSet` from @pos/engine). Terminals download the active version.
import { RuleSet } from '@pos/engine';
import { newId } from '@pos/protocol';
import { writeAudit } from '../audit/audit-log.js';
import { require } from '../auth/permissions.js';
import type { Actor, Clock } from '../context.js';
import { inTransaction, isUniqueViolation, type GatewayDb } from '../db/database.js';
import { GatewayError, notFound } from '../errors.js';

export const MAX_RULE_SET_BYTES = 200 * 1024;
const MAX_PUBLISH_ATTEMPTS = 5;

export interface RuleSetDraft {
  id: string;
  name: string;
  content: unknown;
  createdAt: number;
  updatedAt: number;
  /** Whether the content would publish, and the first problem when not. */
  validation: { ok: boolean; field?: string; message?: string };
}

export interface PublishedRuleSet {
  ruleSetId: string;
  draftId: string;
  version: number;
  publishedAt: number;
  publishedBy: string;
  rules: RuleSet;
}

function validate(content: unknown): { ok: true; rules: RuleSet } | { ok: false; field: string; message: string } {
  const r = RuleSet.safeParse(content);
  if (r.success) return { ok: true, rules: r.data };
  const issue = r.error.issues[0];
  return { ok: false, field: ['content', ...(issue?.path ?? []).map(String)].join('.'), message: issue?.message ?? 'invalid' };
}

export class RuleSetService {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
  ) {}

  private checkSize(content: unknown): string {
    const text = JSON.stringify(content ?? null);
    if (Buffer.byteLength(text) > MAX_RULE_SET_BYTES) throw new GatewayError('PAYLOAD_TOO_LARGE', '规则集过大 / rule set too large', 'content');
    return text;
  }

  private toDraft(r: { id: string; name: string; content: string; created_at: number; updated_at: number }): RuleSetDraft {
    const content = JSON.parse(r.content) as unknown;
    const v = validate(content);
    return { id: r.id, name: r.name, content, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), validation: v.ok ? { ok: true } : { ok: false, field: v.field, message: v.message } };
  }

  async createDraft(actor: Actor, input: { name: string; content: unknown }): Promise<RuleSetDraft> {
    require(actor, 'ruleSet.write');
    const text = this.checkSize(input.content);
    const now = this.clock.nowMs();
    const id = newId(now);
    await inTransaction(this.gdb, async (trx) => {
      await trx.insertInto('rule_set_drafts').values({ merchant_id: actor.merchantId, id, name: input.name, content: text, created_at: now, updated_at: now }).execute();
      await writeAudit(trx, actor, now, { action: 'ruleSet.draft.create', entityType: 'ruleSetDraft', entityId: id, after: { name: input.name } });
    });
    return this.getDraft(actor, id);
  }

  async updateDraft(actor: Actor, draftId: string, input: { name?: string | undefined; content: unknown }): Promise<RuleSetDraft> {
    require(actor, 'ruleSet.write');
    const before = await this.getDraft(actor, draftId);
    const text = this.checkSize(input.content);
    const now = this.clock.nowMs();
    await inTransaction(this.gdb, async (trx) => {
      await trx.updateTable('rule_set_drafts').set({ name: input.name ?? before.name, content: text, updated_at: now }).where('merchant_id', '=', actor.merchantId).where('id', '=', draftId).execute();
      await writeAudit(trx, actor, now, { action: 'ruleSet.draft.update', entityType: 'ruleSetDraft', entityId: draftId, before: before.content, after: input.content });
    });
    return this.getDraft(actor, draftId);
  }

  async getDraft(actor: Actor, draftId: string): Promise<RuleSetDraft> {
    require(actor, 'ruleSet.write');
    const r = await this.gdb.db.selectFrom('rule_set_drafts').selectAll().where('merchant_id', '=', actor.merchantId).where('id', '=', draftId).executeTakeFirst();
    if (!r) throw notFound('rule set draft');
    return this.toDraft(r);
  }

  async listDrafts(actor: Actor): Promise<RuleSetDraft[]> {
    require(actor, 'ruleSet.write');
    const rows = await this.gdb.db.selectFrom('rule_set_drafts').selectAll().where('merchant_id', '=', actor.merchantId).orderBy('id').limit(500).execute();
    return rows.map((r) => this.toDraft(r));
  }

  /** Publishes the draft as the next version; the stored rules are the engine-parsed form (defaults filled in). */
  async publish(actor: Actor, draftId: string): Promise<PublishedRuleSet> {
    require(actor, 'ruleSet.write');
    const draft = await this.getDraft(actor, draftId);
    const v = validate(draft.content);
    if (!v.ok) throw new GatewayError('RULE_SET_INVALID', `规则集无效 / rule set invalid at ${v.field}: ${v.message}`, v.field);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await inTransaction(this.gdb, async (trx) => {
          const last = await trx.selectFrom('rule_set_versions').select('version').where('merchant_id', '=', actor.merchantId).orderBy('version', 'desc').limit(1).executeTakeFirst();
          const version = Number(last?.version ?? 0) + 1;
          const now = this.clock.nowMs();
          const published: PublishedRuleSet = { ruleSetId: newId(now), draftId, version, publishedAt: now, publishedBy: actor.staffId ?? 'system', rules: { ...v.rules, version } };
          await trx
            .insertInto('rule_set_versions')
            .values({ merchant_id: actor.merchantId, id: published.ruleSetId, draft_id: draftId, version, content: JSON.stringify(published.rules), published_at: now, published_by: published.publishedBy })
            .execute();
          await writeAudit(trx, actor, now, { action: 'ruleSet.publish', entityType: 'ruleSet', entityId: published.ruleSetId, after: { draftId, version } });
          return published;
        });
      } catch (error) {
        // Two HQ users publishing at once: the unique (merchant, version) index lets one win; the other takes the next number.
        if (!isUniqueViolation(error) || attempt >= MAX_PUBLISH_ATTEMPTS) throw error;
      }
    }
  }

  async getVersion(actor: Actor, version?: number): Promise<PublishedRuleSet> {
    require(actor, 'ruleSet.read');
    let q = this.gdb.db.selectFrom('rule_set_versions').selectAll().where('merchant_id', '=', actor.merchantId);
    q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
    const r = await q.executeTakeFirst();
    if (!r) throw notFound('rule set version');
    return { ruleSetId: r.id, draftId: r.draft_id, version: Number(r.version), publishedAt: Number(r.published_at), publishedBy: r.published_by, rules: JSON.parse(r.content) as RuleSet };
  }

  async listVersions(actor: Actor): Promise<{ ruleSetId: string; version: number; publishedAt: number; publishedBy: string }[]> {
    require(actor, 'ruleSet.read');
    const rows = await this.gdb.db.selectFrom('rule_set_versions').select(['id', 'version', 'published_at', 'published_by']).where('merchant_id', '=', actor.merchantId).orderBy('version').limit(1000).execute();
    return rows.map((r) => ({ ruleSetId: r.id, version: Number(r.version), publishedAt: Number(r.published_at), publishedBy: r.published_by }));
  }
}
