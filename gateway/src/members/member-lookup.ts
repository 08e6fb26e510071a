// Search-as-you-type for the console: one box that takes a phone prefix, a card number prefix, a
// name prefix or `#tag`, answers with at most 20 members in the actor's scope, phones masked.
// Every branch is one range scan on an index that already exists ((merchant_id, phone),
// (merchant_id, card_no), (merchant_id, name_lower), (merchant_id, tag, member_id)), written as
// `col >= prefix AND col < prefix || U+10FFFF` so it is the same SQL on SQLite and PostgreSQL.
// That range is a prefix match under byte-wise collations (SQLite BINARY, PostgreSQL "C"/C.UTF-8,
// which the deployment uses); a database with a linguistic collation needs text_pattern_ops indexes.
import { maskPhone } from '@pos/protocol';
import { require, storesInScope } from '../auth/permissions.js';
import type { Actor } from '../context.js';
import type { GatewayDb } from '../db/database.js';

export const MAX_LOOKUP_RESULTS = 20;
const TOP = '\u{10FFFF}';

export type LookupMatch = 'phone' | 'card' | 'name' | 'tag';

export interface LookupItem {
  id: string;
  name: string;
  phoneMasked: string | null;
  storeId: string;
  tierId: string | null;
  status: string;
  matchedBy: LookupMatch;
  /** The card whose number matched, for a card search. */
  cardNo: string | null;
}

/** What the box holds: `#vip` a tag, 2+ digits a phone or card prefix, anything else a name prefix. */
export function parseLookup(q: string): { kind: 'tag' | 'digits' | 'name'; text: string; phonePrefix?: string } | null {
  const text = q.trim();
  if (text.startsWith('#') || text.startsWith('＃')) return text.length > 1 ? { kind: 'tag', text: text.slice(1).trim() } : null;
  const digits = text.replace(/[\s-]/g, '');
  if (/^\+?\d+$/.test(digits)) {
    // Phones are stored in E.164; a number typed without a country code is a mainland one.
    const bare = digits.replace(/^\+/, '');
    return bare.length >= 2 ? { kind: 'digits', text: bare, phonePrefix: digits.startsWith('+') ? digits : `+86${bare}` } : null;
  }
  return text.length > 0 ? { kind: 'name', text: text.toLowerCase() } : null;
}

export async function lookupMembers(gdb: GatewayDb, actor: Actor, q: string, limit = MAX_LOOKUP_RESULTS): Promise<{ items: LookupItem[] }> {
  require(actor, 'member.read');
  const parsed = parseLookup(q);
  if (!parsed) return { items: [] };
  const n = Math.min(Math.max(limit, 1), MAX_LOOKUP_RESULTS);
  const scope = await storesInScope(gdb.db, actor);
  const stores = scope === 'all' ? null : scope.length ? scope : ['-'];
  const db = gdb.db;
  const members = () => {
    let m = db.selectFrom('members').select(['id', 'name', 'phone', 'store_id', 'tier_id', 'status']).where('merchant_id', '=', actor.merchantId);
    if (stores) m = m.where('store_id', 'in', stores);
    return m;
  };
  type Row = { id: string; name: string; phone: string | null; store_id: string; tier_id: string | null; status: string };
  const item = (r: Row, matchedBy: LookupMatch, cardNo: string | null = null): LookupItem => ({
    id: r.id, name: r.name, phoneMasked: r.phone ? maskPhone(r.phone) : null, storeId: r.store_id, tierId: r.tier_id, status: r.status, matchedBy, cardNo,
  });

  if (parsed.kind === 'name') {
    const rows = await members().where('name_lower', '>=', parsed.text).where('name_lower', '<', parsed.text + TOP).orderBy('name_lower').orderBy('id').limit(n).execute();
    return { items: rows.map((r) => item(r, 'name')) };
  }
  if (parsed.kind === 'tag') {
    const tag = parsed.text;
    const rows = await members()
      .where('id', 'in', (eb) => eb.selectFrom('member_tags').select('member_id').where('merchant_id', '=', actor.merchantId).where('tag', '=', tag))
      .orderBy('id')
      .limit(n)
      .execute();
    return { items: rows.map((r) => item(r, 'tag')) };
  }
  const prefix = parsed.text;
  const phonePrefix = parsed.phonePrefix ?? prefix;
  const byPhone = await members().where('phone', '>=', phonePrefix).where('phone', '<', phonePrefix + TOP).orderBy('phone').limit(n).execute();
  const items = byPhone.map((r) => item(r, 'phone'));
  if (items.length < n) {
    let cards = db.selectFrom('cards').select(['card_no', 'member_id']).where('merchant_id', '=', actor.merchantId).where('card_no', '>=', prefix).where('card_no', '<', prefix + TOP);
    if (stores) cards = cards.where('store_id', 'in', stores);
    const cardRows = await cards.orderBy('card_no').limit(n).execute();
    const seen = new Set(items.map((i) => i.id));
    const wanted = cardRows.filter((c) => !seen.has(c.member_id));
    if (wanted.length > 0) {
      const owners = new Map((await members().where('id', 'in', [...new Set(wanted.map((c) => c.member_id))]).execute()).map((r) => [r.id, r]));
      for (const c of wanted) {
        const owner = owners.get(c.member_id);
        if (!owner || seen.has(owner.id) || items.length >= n) continue;
        seen.add(owner.id);
        items.push(item(owner, 'card', c.card_no));
      }
    }
  }
  return { items };
}
