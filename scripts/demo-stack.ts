// The demo stack behind `npm start` and the end-to-end tests: a gateway on embedded SQLite with the
// demo merchant, a price list, a rule set and a member with a card; the hardware simulator; and one
// terminal enrolled over HTTP and bootstrapped over the signed WebSocket, all in this process and
// all over their real transports.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CatalogueItem } from '@pos/protocol';
import { startGateway, systemActor, type RunningGateway } from '@pos/gateway';
import { seedDemo, DEMO_MERCHANT_CODE, DEMO_PASSWORD } from '../gateway/src/demo/seed-demo.js';
import { TerminalConfigStore, deviceMapFromSimulator, gs1CheckDigit, startTerminal, type TerminalRuntime } from '@pos/terminal';
import { startSimulator, syntheticCardNumber, type PrinterJob, type RunningSimulator } from '@pos/hardware-sim';
import { startControlServer, type ControlServer } from '../hardware-sim/src/control/control-server.js';


function ean13(body12: string): string {
  return body12 + gs1CheckDigit(body12);
}

export const DEMO_ITEMS: CatalogueItem[] = [
  { sku: 'MILK-1L', barcodes: [ean13('690123456001')], name: { zh: '鲜牛奶 1L', en: 'Fresh milk 1L' }, unitPriceFen: 1250, unit: 'piece', category: 'dairy', noDiscount: false, noPoints: false, pointsMultiplierPerMille: 1000 },
  { sku: 'BREAD-400', barcodes: [ean13('690123456002')], name: { zh: '全麦面包 400g', en: 'Wholemeal bread 400g' }, unitPriceFen: 1580, unit: 'piece', category: 'bakery', noDiscount: false, noPoints: false, pointsMultiplierPerMille: 1000 },
  { sku: 'TEA-500', barcodes: [ean13('690123456003')], name: { zh: '乌龙茶 500ml', en: 'Oolong tea 500ml' }, unitPriceFen: 450, unit: 'piece', category: 'drinks', noDiscount: false, noPoints: false, pointsMultiplierPerMille: 1000 },
  { sku: 'RICE-5KG', barcodes: [ean13('690123456004')], name: { zh: '东北大米 5kg', en: 'Northeast rice 5kg' }, unitPriceFen: 3990, unit: 'piece', category: 'grocery', noDiscount: false, noPoints: false, pointsMultiplierPerMille: 1000 },
];

/** Fuel grades as catalogue items (the pump's price per litre is the line's open price); kept out of shop campaigns. */
export const DEMO_FUEL_ITEMS: CatalogueItem[] = (
  [['92', '92号汽油', 'Petrol 92#', 720], ['95', '95号汽油', 'Petrol 95#', 790], ['98', '98号汽油', 'Petrol 98#', 880], ['0', '0号柴油', 'Diesel 0#', 750]] as const
).map(([grade, zh, en, unitPriceFen]) => ({ sku: `FUEL-${grade}`, barcodes: [], name: { zh, en }, unitPriceFen, unit: 'litre', category: 'fuel', noDiscount: true, noPoints: false, pointsMultiplierPerMille: 1000 }));

export async function until(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface DemoStack {
  root: string;
  gateway: RunningGateway;
  merchantId: string;
  memberId: string;
  cardNo: string;
  sim: RunningSimulator;
  control: ControlServer;
  terminal: TerminalRuntime;
  terminalId: string;
  /** Receipts the simulated printer has printed, oldest first. */
  printed: PrinterJob[];
  stop(): Promise<void>;
}

/** Starts everything under `root` (wiped first); ports are ephemeral unless given. */
export async function startDemoStack(options: {
  root: string;
  logger: Logger;
  gatewayPort?: number;
  pagePort?: number;
  simPort?: number;
  /** Also simulate a forecourt controller with 4 pumps (fast flow) for the kiosk page at /kiosk. */
  forecourt?: boolean;
}): Promise<DemoStack> {
  const { root, logger } = options;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'receipts'), { recursive: true });
  mkdirSync(join(root, 'pty'), { recursive: true });

  // ── gateway: HQ's side ──────────────────────────────────────────────────────────────────
  const gateway = await startGateway({ databaseUrl: join(root, 'gateway.db'), port: options.gatewayPort ?? 0, logger });
  const seed = await seedDemo(gateway.services);
  const s = gateway.services;
  const hq = systemActor(seed.merchantId);
  const storeId = seed.storeIds[0]!;
  await gateway.sync.catalogue.upsert(hq, [...DEMO_ITEMS, ...DEMO_FUEL_ITEMS]);
  const draft = await s.ruleSets.createDraft(hq, {
    name: '会员日规则',
    content: {
      tiers: [{ tierId: 'gold', name: { zh: '金卡', en: 'Gold' }, growthThreshold: 0, discountPerMille: 950, pointsRatePerMille: 1000 }],
      points: { earnPerYuanPerMille: 1000 },
      campaigns: [
        { kind: 'spendThreshold', campaignId: 'mj-50-5', name: { zh: '满50减5', en: '5 off 50' }, validFrom: '2026-01-01T00:00:00+08:00', validTo: '2030-01-01T00:00:00+08:00', thresholdFen: 5000, offFen: 500 },
      ],
      settings: { rounding: 'jiao', storedValueOrder: 'principalFirst' },
      // 金卡 members pay 0.30 yuan per litre less for petrol
      unitMemberDiscounts: [{ discountId: 'gold-petrol', name: { zh: '金卡油价优惠', en: 'Gold fuel price' }, tierIds: ['gold'], skus: ['FUEL-92', 'FUEL-95', 'FUEL-98'], offFenPerUnit: 30 }],
    },
  });
  await s.ruleSets.publish(hq, draft.id);
  const goldType = (await s.cards.listCardTypes(hq)).find((t) => t.level === 'gold')!;
  const member = await s.members.createMember(hq, { name: '王小明', phone: '13812345678', storeId, birthday: '1990-05-20' });
  const cardNo = syntheticCardNumber(20261125);
  await s.cards.issueCard(hq, { memberId: member.id, cardTypeId: goldType.id, cardNo });
  // Tier evaluation is a gateway job (analytics issue); the demo member starts as gold.
  await s.gdb.db.updateTable('members').set({ tier_id: 'gold', updated_at: Date.now() }).where('merchant_id', '=', seed.merchantId).where('id', '=', member.id).execute();
  await s.ledger.recharge(systemActor(seed.merchantId, storeId), { idempotencyKey: 'demo-wang-recharge', cardNo, paidFen: 30_000 });
  const terminalRow = await s.gdb.db.selectFrom('terminals').select('id').where('merchant_id', '=', seed.merchantId).where('store_id', '=', storeId).executeTakeFirstOrThrow();

  // ── enrolment, as a technician does it: HQ issues a code, the terminal redeems it ────────
  const login = await fetch(`${gateway.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ merchantCode: DEMO_MERCHANT_CODE, username: 'hq', password: DEMO_PASSWORD }) });
  const { token } = (await login.json()) as { token: string };
  const issued = await fetch(`${gateway.url}/v1/terminals/${terminalRow.id}/enrolment-code`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const { code } = (await issued.json()) as { code: string };
  const redeemed = await fetch(`${gateway.url}/v1/terminals/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  const enrolment = (await redeemed.json()) as { terminalId: string; storeId: string; merchantId: string; secret: string };
  const terminalDir = join(root, 'terminal');
  await new TerminalConfigStore(terminalDir).writeEnrolment({ ...enrolment, gatewayUrl: gateway.url, enrolledAt: new Date().toISOString() });

  // ── simulator and terminal ──────────────────────────────────────────────────────────────
  const sim = await startSimulator(
    {
      dir: join(root, 'pty'),
      devices: [
        { class: 'printer', id: 'printer', tcpPort: 0, usb: false },
        { class: 'scanner', id: 'scanner', transport: 'serial' },
        { class: 'magstripe', id: 'magstripe', transport: 'hid', vendorId: 0x0801, productId: 0x0001 },
        { class: 'pole-display', id: 'pole-display' },
        // 30× speed: a 200-yuan fill takes about 1.5 s of 50 ms samples
        ...(options.forecourt ? [{ class: 'forecourt' as const, id: 'forecourt', pumpCount: 4, sampleMs: 50, speedFactor: 30, seed: 8 }] : []),
      ],
    },
    { logger },
  );
  const control = await startControlServer(sim, { port: options.simPort ?? 0 });
  const printed: PrinterJob[] = [];
  sim.device('printer', 'printer').printer.on('receipt', (job: PrinterJob) => printed.push(job));
  const terminal: TerminalRuntime = await startTerminal({
    dataDir: terminalDir,
    devices: deviceMapFromSimulator(sim.map, { paperWidth: 58 }).devices,
    deviceFactory: { hidBackend: sim.hidBackend },
    pagePort: options.pagePort ?? 0,
    cashierName: '南京路收银员',
    logger,
  });
  await until('the first sync', () => terminal.store.cursor() !== null && terminal.store.catalogue.itemByBarcode(DEMO_ITEMS[0]!.barcodes[0]!) !== null);

  return {
    root,
    gateway,
    merchantId: seed.merchantId,
    memberId: member.id,
    cardNo,
    sim,
    control,
    terminal,
    terminalId: enrolment.terminalId,
    printed,
    stop: async () => {
      await terminal.close();
      await control.close();
      await sim.close();
      await gateway.close();
    },
  };
}
