// Tills with real checkout machines, stores and sync clients for the offline stored-value tests,
// selling one fixed-price item paid wholly by the member card.
import { expect } from 'vitest';
import { CatalogueService } from '../../gateway/src/catalogue/catalogue-service.js';
import { CheckoutMachine } from '../../terminal/src/checkout/index.js';
import type { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient } from '../../terminal/src/sync/index.js';
import type { SyncStack } from './sync-stack.js';

export const ITEM_FEN = 1_000;

export interface Till {
  name: string;
  store: LocalStore;
  machine: CheckoutMachine;
  client: SyncClient;
  url: string;
  terminalId: string;
  secret: string;
}

export function newTillClient(till: Omit<Till, 'client' | 'machine'>): SyncClient {
  return new SyncClient({
    url: till.url,
    terminalId: till.terminalId,
    secret: till.secret,
    store: till.store,
    softwareVersion: 'test',
    ackTimeoutMs: 400,
    initialReconnectDelayMs: 20,
    maxReconnectDelayMs: 100,
  });
}

/** Puts the TEA item on the price list and enrols one till per name (clients not started). */
export async function openCheckoutTills(stack: SyncStack, names: readonly string[]): Promise<Till[]> {
  await new CatalogueService(stack.fx.gdb, stack.fx.clock).upsert(stack.merchant.system, [
    {
      sku: 'TEA',
      barcodes: ['6900000000017'],
      name: { zh: '茶叶礼盒', en: 'Tea gift box' },
      unitPriceFen: ITEM_FEN,
      unit: 'piece',
      category: 'gifts',
      noDiscount: true,
      noPoints: false,
      pointsMultiplierPerMille: 1000,
    },
  ]);
  const tills: Till[] = [];
  for (const name of names) {
    const { terminalId, secret } = await stack.enrol(name);
    const base = { name, store: stack.openStore(name), url: `${stack.origin}/v1/sync`, terminalId, secret };
    const till: Till = {
      ...base,
      client: newTillClient(base),
      machine: new CheckoutMachine({
        store: base.store,
        clock: { nowMs: () => Date.now() },
        identity: { storeId: stack.merchant.storeA1, terminalId, receiptPrefix: `${name.slice(-1).toUpperCase()}-` },
        verifyManagerPin: async () => null,
        isOnline: () => till.client.status$.value.state === 'online',
      }),
    };
    tills.push(till);
  }
  return tills;
}

export async function closeCheckoutTills(tills: readonly Till[]): Promise<void> {
  for (const till of tills) {
    till.machine.close();
    await till.client.stop();
    till.store.close();
  }
}

/** Sells one TEA paid wholly by the card; the checkout's refusal code when it will not. */
export function spendOnce(stack: SyncStack, till: Till, offline = true): string | null {
  const m = till.machine;
  expect(m.identifyByCard({ cardNo: stack.cardNo })).toEqual({ ok: true });
  expect(m.addSku('TEA')).toEqual({ ok: true });
  expect(m.startTendering()).toEqual({ ok: true });
  const r = m.addTender({ kind: 'storedValue', amountFen: ITEM_FEN });
  if (!r.ok) {
    expect(m.cancelTendering()).toEqual({ ok: true });
    expect(m.voidSale()).toEqual({ ok: true });
    return (r.error as { causeCode?: string }).causeCode ?? r.error.code;
  }
  expect(m.state.committed?.offline).toBe(offline);
  expect(m.markPrinted()).toEqual({ ok: true });
  till.client.notifyOutbox(); // as the terminal runtime does after each commit
  return null;
}
