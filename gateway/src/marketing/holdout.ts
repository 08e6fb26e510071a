// The holdout group: a member of a campaign's target is held out (no coupon, the comparison group)
// when bucket(campaignId, memberId) < holdout_per_mille. The bucket is computed in SQL, inside the
// INSERT … SELECT that records the target, so a million members are never walked in Node; this
// module states the function once, in TypeScript (for tests and single look-ups) and as SQL.
//
// bucket = ((v1 mod 1000)·m1 + (v2 mod 1000)·m2 + s) mod 1000, where v1 and v2 are the values of the
// last two groups of four Crockford characters of the member's ULID (its random part, 20 bits each)
// and m1, m2 (odd, not multiples of 5, so coprime with 1000) and s come from SHA-256 of the campaign
// id. Given v2, the map v1 ↦ bucket is a permutation of 0..999, so the bucket is close to uniform,
// and another campaign draws another group. Plain integer arithmetic so SQLite and PostgreSQL agree
// with each other and with JavaScript (all three keep the sign of the dividend in `%`).
import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../db/database.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export interface HoldoutSalt {
  m1: number;
  m2: number;
  s: number;
}

function coprimeWith1000(n: number): number {
  let m = 1 + 2 * (n % 500);
  if (m % 5 === 0) m += 2;
  return m;
}

export function holdoutSalt(campaignId: string): HoldoutSalt {
  const h = createHash('sha256').update(`holdout:${campaignId}`).digest();
  return { m1: coprimeWith1000(h.readUInt32BE(0)), m2: coprimeWith1000(h.readUInt32BE(4)), s: h.readUInt32BE(8) % 1000 };
}

function group(memberId: string, from: number): number {
  let v = 0;
  for (let i = from; i < from + 4; i += 1) v = v * 32 + (CROCKFORD.indexOf(memberId.charAt(i)));
  return v;
}

/** 0..999 for a ULID member id (the same value the SQL expression computes). */
export function holdoutBucket(campaignId: string, memberId: string): number {
  const { m1, m2, s } = holdoutSalt(campaignId);
  const v1 = group(memberId, 22);
  const v2 = group(memberId, 18);
  return ((v1 % 1000) * m1 + (v2 % 1000) * m2 + s) % 1000;
}

export function isHeldOut(campaignId: string, memberId: string, holdoutPerMille: number): boolean {
  return holdoutBucket(campaignId, memberId) < holdoutPerMille;
}

/** The bucket as an SQL expression over the column `memberIdColumn` (e.g. `m.id`). */
export function holdoutBucketSql(dialect: Dialect, campaignId: string, memberIdColumn: string): RawBuilder<number> {
  const { m1, m2, s } = holdoutSalt(campaignId);
  const find = dialect === 'postgres' ? 'strpos' : 'instr';
  const col = sql.ref(memberIdColumn);
  // 1-based SQL positions: characters 19..22 and 23..26.
  const digit = (pos: number) => sql`(${sql.raw(find)}(${sql.lit(CROCKFORD)}, substr(${col}, ${sql.lit(pos)}, 1)) - 1)`;
  const value = (from: number) => sql`(((${digit(from)} * 32 + ${digit(from + 1)}) * 32 + ${digit(from + 2)}) * 32 + ${digit(from + 3)})`;
  return sql<number>`(((${value(23)} % 1000) * ${sql.lit(m1)} + (${value(19)} % 1000) * ${sql.lit(m2)} + ${sql.lit(s)}) % 1000)`;
}
