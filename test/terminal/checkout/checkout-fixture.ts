// A checkout machine on a real SQLite store in a temp directory, with the real engine, a
// controllable clock, a catalogue, members and cards in every status, and a published rule set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CatalogueItem, newMemberCodeSecret } from '@pos/protocol';
import type { RuleSetInput } from '@pos/engine';
import { CheckoutMachine, type CheckoutOptions, type CheckoutState } from '../../../terminal/src/checkout/index.js';
import { type ManagerPin, hashManagerPin, verifyManagerPin } from '../../../terminal/src/config/index.js';
import { LocalStore } from '../../../terminal/src/store/index.js';
import { STORE_ID, TERMINAL_ID, T0_MS, card, ean13Of, member, memberIdOf } from '../store/fixtures/records.js';

export const WATER: CatalogueItem = {
  sku: 'WATER',
  barcodes: [ean13Of(1)],
  name: { zh: '矿泉水', en: 'Water' },
  unitPriceFen: 150,
  unit: 'piece',
  category: 'drinks',
  noDiscount: false,
  noPoints: false,
  pointsMultiplierPerMille: 1000,
};
export const COLA: CatalogueItem = { ...WATER, sku: 'COLA', barcodes: [ean13Of(2)], name: { zh: '可乐', en: 'Cola' }, unitPriceFen: 350 };
export const APPLES: CatalogueItem = { ...WATER, sku: 'APPLE', barcodes: [ean13Of(3)], name: { zh: '苹果', en: 'Apples' }, unitPriceFen: 1200, unit: 'kg', category: 'fruit' };

export const RULES: RuleSetInput = {
  version: 3,
  tiers: [{ tierId: 'silver', name: { zh: '银卡', en: 'Silver' }, growthThreshold: 0, discountPerMille: 1000 }],
  points: { earnPerYuanPerMille: 1000, pointsCash: { enabled: true, pointsPerYuan: 100, maxSharePerMille: 500 } },
  coupons: [
    {
      couponDefId: 'OFF1',
      name: { zh: '满0减1元', en: '1 yuan off' },
      validFrom: '2026-01-01T00:00:00+08:00',
      validTo: '2027-01-01T00:00:00+08:00',
      kind: 'amountOff',
      offFen: 100,
    },
  ],
  rechargePlans: [{ planId: 'P100', name: { zh: '充100送20', en: 'Pay 100 get 20' }, steps: [{ minPaidFen: 10_000, bonusFen: 2_000 }] }],
};

export const QR_SECRET = newMemberCodeSecret();
export const MANAGER_PIN = '2468';

/** scrypt is slow on purpose; one hash serves every fixture in a file. */
let managersOnce: Promise<ManagerPin[]> | undefined;

export interface Fixture {
  dir: string;
  store: LocalStore;
  machine: CheckoutMachine;
  clock: { t: number; nowMs(): number };
  states: CheckoutState[];
  close(): void;
}

export async function checkoutFixture(overrides: Partial<CheckoutOptions> = {}): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pos-checkout-'));
  const store = LocalStore.open(path.join(dir, 'terminal.sqlite'));
  store.loadCatalogue([WATER, COLA, APPLES]);
  store.loadMembers(
    [
      member(1),
      member(6, { status: 'disabled' }),
      member(7, { flags: ['blocked'] }),
      member(8, { codeSecret: QR_SECRET }),
    ],
    [
      card(1),
      card(2, { memberId: memberIdOf(1), status: 'lost' }),
      card(3, { memberId: memberIdOf(1), status: 'frozen' }),
      card(4, { memberId: memberIdOf(1), status: 'cancelled' }),
      card(5, { memberId: memberIdOf(1), status: 'replaced' }),
      card(6),
      card(7),
    ],
  );
  store.applyDelta({
    cursor: 'c-1',
    changes: [
      {
        op: 'upsert',
        change: { entity: 'ruleSet', items: [{ ruleSetId: '01JRULES000000000000000003', version: 3, publishedAt: '2026-11-24T00:00:00Z', rules: RULES }] },
      },
    ],
  });
  managersOnce ??= hashManagerPin('mgr-1', MANAGER_PIN).then((m) => [m]);
  const managers = await managersOnce;
  const clock = { t: T0_MS, nowMs() { return this.t; } };
  const machine = new CheckoutMachine({
    store,
    clock,
    identity: { storeId: STORE_ID, terminalId: TERMINAL_ID, receiptPrefix: 'T1-', cashierId: 'c-07' },
    verifyManagerPin: (pin) => verifyManagerPin(managers, pin),
    ...overrides,
  });
  const states: CheckoutState[] = [];
  machine.state$.subscribe((s) => states.push(s));
  return {
    dir,
    store,
    machine,
    clock,
    states,
    close() {
      machine.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
