// The demo merchant the gateway-only start command seeds: regions, stores, terminals, staff of every
// role, card types, a recharge plan, a published rule set and members with cards, balances and points.
// Seeding twice is a no-op (the merchant code is unique).
import { systemActor } from '../context.js';
import type { Services } from '../services.js';

export const DEMO_MERCHANT_CODE = 'demo';
export const DEMO_PASSWORD = 'demo-pass-2026';

export interface DemoSeed {
  merchantId: string;
  created: boolean;
  logins: { username: string; role: string; scope: string }[];
  storeIds: string[];
}

export async function seedDemo(s: Services): Promise<DemoSeed> {
  const logins = [
    { username: 'hq', role: 'hq_admin', scope: 'HQ' },
    { username: 'east', role: 'region_manager', scope: '华东区' },
    { username: 'sh01-manager', role: 'store_manager', scope: '上海南京路店' },
    { username: 'sh01-cashier', role: 'cashier', scope: '上海南京路店' },
  ];
  const existing = await s.gdb.db.selectFrom('merchants').select('id').where('code', '=', DEMO_MERCHANT_CODE).executeTakeFirst();
  if (existing) {
    const stores = await s.gdb.db.selectFrom('stores').select('id').where('merchant_id', '=', existing.id).orderBy('id').execute();
    return { merchantId: existing.id, created: false, logins, storeIds: stores.map((x) => x.id) };
  }
  const merchant = await s.hierarchy.createMerchant({ code: DEMO_MERCHANT_CODE, name: '示例连锁便利 Demo Mart' });
  const sys = systemActor(merchant.id);
  const east = await s.hierarchy.createRegion(sys, { name: '华东区' });
  const south = await s.hierarchy.createRegion(sys, { name: '华南区' });
  const sh01 = await s.hierarchy.createStore(sys, { regionId: east.id, code: 'SH01', name: '上海南京路店', address: '上海市黄浦区南京东路 100 号' });
  const sh02 = await s.hierarchy.createStore(sys, { regionId: east.id, code: 'SH02', name: '上海徐家汇店', address: '上海市徐汇区漕溪北路 8 号' });
  const gz01 = await s.hierarchy.createStore(sys, { regionId: south.id, code: 'GZ01', name: '广州天河店', address: '广州市天河区天河路 200 号' });
  for (const store of [sh01, sh02, gz01]) await s.hierarchy.createTerminal(sys, { storeId: store.id, name: `${store.code}-POS-1` });
  await s.hierarchy.createStaff(sys, { username: 'hq', displayName: '总部管理员', password: DEMO_PASSWORD, role: 'hq_admin' });
  await s.hierarchy.createStaff(sys, { username: 'east', displayName: '华东区经理', password: DEMO_PASSWORD, role: 'region_manager', regionId: east.id });
  await s.hierarchy.createStaff(sys, { username: 'sh01-manager', displayName: '南京路店长', password: DEMO_PASSWORD, role: 'store_manager', storeId: sh01.id });
  await s.hierarchy.createStaff(sys, { username: 'sh01-cashier', displayName: '南京路收银员', password: DEMO_PASSWORD, role: 'cashier', storeId: sh01.id });

  const regular = await s.cards.createCardType(sys, { name: '普通卡', kind: 'personal', level: 'regular', discountPerMille: 1000, offlineLimitFen: 5_000, tierId: null });
  const gold = await s.cards.createCardType(sys, { name: '金卡', kind: 'personal', level: 'gold', discountPerMille: 950, offlineLimitFen: 20_000, tierId: 'gold' });
  const family = await s.cards.createCardType(sys, { name: '家庭副卡', kind: 'linked', level: 'regular', discountPerMille: 1000, offlineLimitFen: 0, tierId: null });
  await s.members.defineAttribute(sys, { key: 'favourite_category', labelZh: '偏好品类', labelEn: 'Favourite category', type: 'enum', options: ['饮料', '零食', '日用'] });

  const draft = await s.ruleSets.createDraft(sys, {
    name: '默认规则',
    content: {
      tiers: [
        { tierId: 'regular', name: { zh: '普通会员', en: 'Member' }, growthThreshold: 0 },
        { tierId: 'gold', name: { zh: '金卡会员', en: 'Gold' }, growthThreshold: 5_000, discountPerMille: 950, pointsRatePerMille: 1500 },
      ],
      points: { earnPerYuanPerMille: 1000 },
      rechargePlans: [
        { planId: 'topup-500', name: { zh: '充500送50', en: 'Pay 500 get 50' }, steps: [{ minPaidFen: 50_000, bonusFen: 5_000, bonusPoints: 100 }] },
        { planId: 'every-100', name: { zh: '每充100送10', en: '10 per 100' }, mode: 'repeat', steps: [{ minPaidFen: 10_000, bonusFen: 1_000 }], maxTimes: 10 },
      ],
      settings: { rounding: 'jiao', storedValueOrder: 'principalFirst' },
    },
  });
  await s.ruleSets.publish(sys, draft.id);

  const names = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄勇', '周杰', '吴丽', '徐明', '孙悦'];
  const stores = [sh01, sh02, gz01];
  for (const [i, name] of names.entries()) {
    const store = stores[i % stores.length]!;
    const member = await s.members.createMember(sys, {
      name,
      phone: `1390000${String(1001 + i)}`,
      gender: i % 2 ? 'female' : 'male',
      birthday: `19${80 + i}-0${1 + (i % 9)}-1${i % 10}`,
      storeId: store.id,
      tags: i % 3 === 0 ? ['vip'] : ['新客'],
      attributes: { favourite_category: ['饮料', '零食', '日用'][i % 3]! },
    });
    const cardNo = `88000000${String(1001 + i)}`;
    await s.cards.issueCard(sys, { memberId: member.id, cardTypeId: i % 4 === 0 ? gold.id : regular.id, cardNo });
    if (i % 2 === 0) await s.ledger.recharge(systemActor(merchant.id, store.id), { idempotencyKey: `demo-recharge-${i}`, cardNo, paidFen: 50_000, planId: 'topup-500' });
    await s.ledger.earnPoints(sys, { idempotencyKey: `demo-points-${i}`, memberId: member.id, points: 100 * (i + 1), expiresOn: '2027-12-31' });
    if (i === 0) await s.cards.issueCard(sys, { memberId: member.id, cardTypeId: family.id, cardNo: '8800000099', mainCardNo: cardNo });
  }
  return { merchantId: merchant.id, created: true, logins, storeIds: stores.map((x) => x.id) };
}
