// Points and stored-value liability, what the merchant owes its members now: outstanding points
// (member_points accounts, by the member's store) and stored value principal and bonus (card
// accounts, by the card's store). Points are also valued in fen at the rule set's 积分抵现 rate
// (rounded down) when points-as-cash is enabled; otherwise that column is empty.
import { sql } from 'kysely';
import { activeRules } from '../rules/active-rule-set.js';
import { col, type ReportDefinition, type ReportRow } from './report-definition.js';
import { whereStores } from './report-scope.js';

interface Owed {
  points: number;
  principalFen: number;
  bonusFen: number;
}

export const liability: ReportDefinition = {
  name: 'liability',
  title: { zh: '积分与储值负债', en: 'Points and stored-value liability' },
  summary: 'Outstanding points and stored value (principal + bonus, fen) per store, as of now',
  range: 'none',
  columns: [
    col('storeCode', 'text', '门店编码', 'Store code'),
    col('storeName', 'text', '门店', 'Store'),
    col('points', 'points', '未用积分', 'Outstanding points'),
    col('pointsValueFen', 'fen', '积分折现(分)', 'Points value (fen)'),
    col('principalFen', 'fen', '储值本金(分)', 'Stored value principal (fen)'),
    col('bonusFen', 'fen', '储值赠送(分)', 'Stored value bonus (fen)'),
    col('storedValueFen', 'fen', '储值合计(分)', 'Stored value total (fen)'),
  ],
  chart: { kind: 'stackedBar', category: 'storeName', series: ['principalFen', 'bonusFen'] },
  async run(ctx) {
    const merchantId = ctx.actor.merchantId;
    let points = ctx.gdb.db
      .selectFrom('accounts as a')
      .innerJoin('members as m', (j) => j.onRef('m.merchant_id', '=', 'a.merchant_id').onRef('m.id', '=', 'a.owner_id'))
      .select(['m.store_id', sql<string>`sum(a.balance)`.as('owed')])
      .where('a.merchant_id', '=', merchantId)
      .where('a.kind', '=', 'member_points');
    points = whereStores(points, 'm.store_id', ctx.stores);
    let stored = ctx.gdb.db
      .selectFrom('accounts as a')
      .innerJoin('cards as c', (j) => j.onRef('c.merchant_id', '=', 'a.merchant_id').onRef('c.id', '=', 'a.owner_id'))
      .select([
        'c.store_id',
        sql<string>`sum(case when a.kind = 'card_principal' then a.balance else 0 end)`.as('principal'),
        sql<string>`sum(case when a.kind = 'card_bonus' then a.balance else 0 end)`.as('bonus'),
      ])
      .where('a.merchant_id', '=', merchantId)
      .where('a.kind', 'in', ['card_principal', 'card_bonus']);
    stored = whereStores(stored, 'c.store_id', ctx.stores);
    const owed = new Map<string, Owed>();
    const entry = (storeId: string) => owed.get(storeId) ?? owed.set(storeId, { points: 0, principalFen: 0, bonusFen: 0 }).get(storeId)!;
    for (const r of await points.groupBy('m.store_id').execute()) entry(r.store_id).points = Number(r.owed);
    for (const r of await stored.groupBy('c.store_id').execute()) {
      entry(r.store_id).principalFen = Number(r.principal);
      entry(r.store_id).bonusFen = Number(r.bonus);
    }
    const cash = (await activeRules(ctx.gdb.db, merchantId))?.points.pointsCash;
    const valueFen = (p: number) => (cash?.enabled ? Math.floor((p * 100) / cash.pointsPerYuan) : null);
    const rowOf = (head: ReportRow, o: Owed): ReportRow => ({
      ...head,
      points: o.points,
      pointsValueFen: valueFen(o.points),
      principalFen: o.principalFen,
      bonusFen: o.bonusFen,
      storedValueFen: o.principalFen + o.bonusFen,
    });
    const stores = await whereStores(ctx.gdb.db.selectFrom('stores').select(['id', 'code', 'name']).where('merchant_id', '=', merchantId), 'id', ctx.stores).orderBy('code').execute();
    const total: Owed = { points: 0, principalFen: 0, bonusFen: 0 };
    const rows = stores.map((s) => {
      const o = owed.get(s.id) ?? { points: 0, principalFen: 0, bonusFen: 0 };
      total.points += o.points;
      total.principalFen += o.principalFen;
      total.bonusFen += o.bonusFen;
      return rowOf({ storeId: s.id, storeCode: s.code, storeName: s.name }, o);
    });
    return { rows, totals: rowOf({ storeId: null, storeCode: null, storeName: '合计 / Total' }, total) };
  },
};
