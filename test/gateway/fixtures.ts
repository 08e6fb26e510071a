// A small merchant for service-level tests: two regions, three stores, card types, a recharge plan.
import { systemActor, type Actor } from '../../gateway/src/context.js';
import type { Services } from '../../gateway/src/services.js';

export interface MerchantFixture {
  merchantId: string;
  system: Actor;
  regionA: string;
  regionB: string;
  storeA1: string;
  storeA2: string;
  storeB1: string;
  personalType: string;
  linkedType: string;
  subsidiaryType: string;
  planId: string;
}

export async function seedMerchant(s: Services, code: string): Promise<MerchantFixture> {
  const merchant = await s.hierarchy.createMerchant({ code, name: `${code} 连锁` });
  const system = systemActor(merchant.id);
  const regionA = await s.hierarchy.createRegion(system, { name: '华东' });
  const regionB = await s.hierarchy.createRegion(system, { name: '华南' });
  const storeA1 = await s.hierarchy.createStore(system, { regionId: regionA.id, code: `${code}-A1`, name: '上海一店' });
  const storeA2 = await s.hierarchy.createStore(system, { regionId: regionA.id, code: `${code}-A2`, name: '上海二店' });
  const storeB1 = await s.hierarchy.createStore(system, { regionId: regionB.id, code: `${code}-B1`, name: '广州一店' });
  const personal = await s.cards.createCardType(system, { name: '普通卡', kind: 'personal', level: 'regular', discountPerMille: 1000, offlineLimitFen: 5000, tierId: null });
  const linked = await s.cards.createCardType(system, { name: '家庭副卡', kind: 'linked', level: 'regular', discountPerMille: 1000, offlineLimitFen: 0, tierId: null });
  const subsidiary = await s.cards.createCardType(system, { name: '子卡', kind: 'subsidiary', level: 'regular', discountPerMille: 1000, offlineLimitFen: 0, tierId: null });
  const planId = 'plan-300';
  const draft = await s.ruleSets.createDraft(system, {
    name: 'plans',
    content: { rechargePlans: [{ planId, name: { zh: '充300送30', en: 'Pay 300 get 30' }, steps: [{ minPaidFen: 30_000, bonusFen: 3_000 }] }] },
  });
  await s.ruleSets.publish(system, draft.id);
  return {
    merchantId: merchant.id,
    system,
    regionA: regionA.id,
    regionB: regionB.id,
    storeA1: storeA1.id,
    storeA2: storeA2.id,
    storeB1: storeB1.id,
    personalType: personal.id,
    linkedType: linked.id,
    subsidiaryType: subsidiary.id,
    planId,
  };
}

/** A member of `storeId` with one personal card numbered `cardNo`. */
export async function memberWithCard(s: Services, f: MerchantFixture, opts: { phone: string; cardNo: string; storeId?: string; name?: string }) {
  const member = await s.members.createMember(f.system, { name: opts.name ?? '王小明', phone: opts.phone, storeId: opts.storeId ?? f.storeA1 });
  const card = await s.cards.issueCard(f.system, { memberId: member.id, cardTypeId: f.personalType, cardNo: opts.cardNo });
  return { member, card };
}
