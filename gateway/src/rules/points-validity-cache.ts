// The 积分有效期 rule of a published rule-set version, for stamping expiry days on points lots.
// Published versions never change, so a version read once is kept (bounded: cleared when full).
import { PointsRules, type PointsValidity } from '@pos/engine';
import type { Kysely } from 'kysely';
import type { GatewayDatabase } from '../db/schema.js';

const maxVersionsCached = 256;

export class PointsValidityCache {
  private readonly byVersion = new Map<string, PointsValidity>();

  /** The validity of `version`, or of the latest published version when `version` is null; never when there is none. */
  async validityOf<DB extends GatewayDatabase>(anyDb: Kysely<DB>, merchantId: string, version: number | null): Promise<PointsValidity> {
    const db = anyDb as unknown as Kysely<GatewayDatabase>;
    const key = `${merchantId}:${version}`;
    const cached = version === null ? undefined : this.byVersion.get(key);
    if (cached) return cached;
    let query = db.selectFrom('rule_set_versions').select('content').where('merchant_id', '=', merchantId);
    query = version === null ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
    const row = await query.executeTakeFirst();
    // Content was engine-validated at publish; versions published before the rule existed have none.
    const points = row ? (JSON.parse(row.content) as { points?: unknown }).points : undefined;
    const validity = PointsRules.shape.validity.parse((points as { validity?: unknown } | undefined)?.validity);
    if (version !== null && row) {
      if (this.byVersion.size >= maxVersionsCached) this.byVersion.clear();
      this.byVersion.set(key, validity);
    }
    return validity;
  }
}
