// `npm start`: the main job. A gateway (embedded SQLite under ./data/demo), the hardware
// simulator and one terminal run together in this process, over their real transports: the
// terminal enrols over HTTP, bootstraps over the signed WebSocket, sells through the simulated
// scanner, card reader and ESC/POS printer, and syncs the sale to the gateway's ledger.
// It prints what the cashier sees and keeps running (Ctrl+C stops) unless given --once.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { type CatalogueItem, formatYuan } from '@pos/protocol';
import { startGateway, systemActor } from '@pos/gateway';
import { seedDemo, DEMO_MERCHANT_CODE, DEMO_PASSWORD } from '../gateway/src/demo/seed-demo.js';
import { TerminalConfigStore, deviceMapFromSimulator, gs1CheckDigit, runPageCommand, startTerminal, type TerminalRuntime } from '@pos/terminal';
import { startSimulator, syntheticCardNumber, type PrinterJob } from '@pos/hardware-sim';
import { startControlServer } from '../hardware-sim/src/control/control-server.js';

const once = process.argv.includes('--once');
const root = resolve('data/demo');
const logger = pino({ name: 'pos-demo', level: process.env.LOG_LEVEL ?? 'warn' });
const say = (zh: string, en: string) => console.log(`${zh}\n  ${en}`);

function ean13(body12: string): string {
  return body12 + gs1CheckDigit(body12);
}

const ITEMS: CatalogueItem[] = [
  { sku: 'MILK-1L', barcodes: [ean13('690123456001')], name: { zh: '鲜牛奶 1L', en: 'Fresh milk 1L' }, unitPriceFen: 1250, unit: 'piece', category: 'dairy', noDiscount: false, noPoints: false, pointsMultiplierPerMille: 1000 },
  { sku: 'BREAD-400', barcodes: [ean13('690123456002')], name: { zh: '全麦面包 400g', en: 'Wholemeal bread 400g' }, unitPriceFen: 1580, unit: 'piece', category: 'bakery', noDiscount: false, noPoints: false, pointsMultiplierPerMille: 1000 },
  { sku: 'TEA-500', barcodes: [ean13('690123456003')], name: { zh: '乌龙茶 500ml', en: 'Oolong tea 500ml' }, unitPriceFen: 450, unit: 'piece', category: 'drinks', noDiscount: false, noPoints: false, pointsMultiplierPerMille: 1000 },
  { sku: 'RICE-5KG', barcodes: [ean13('690123456004')], name: { zh: '东北大米 5kg', en: 'Northeast rice 5kg' }, unitPriceFen: 3990, unit: 'piece', category: 'grocery', noDiscount: false, noPoints: false, pointsMultiplierPerMille: 1000 },
];

async function until(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'receipts'), { recursive: true });
  mkdirSync(join(root, 'pty'), { recursive: true });

  // ── gateway: HQ's side ──────────────────────────────────────────────────────────────────
  const gateway = await startGateway({ databaseUrl: join(root, 'gateway.db'), port: Number(process.env.GATEWAY_PORT ?? 0), logger });
  const seed = await seedDemo(gateway.services);
  const s = gateway.services;
  const hq = systemActor(seed.merchantId);
  const storeId = seed.storeIds[0]!;
  await gateway.sync.catalogue.upsert(hq, ITEMS);
  const draft = await s.ruleSets.createDraft(hq, {
    name: '会员日规则',
    content: {
      tiers: [{ tierId: 'gold', name: { zh: '金卡', en: 'Gold' }, growthThreshold: 0, discountPerMille: 950, pointsRatePerMille: 1000 }],
      points: { earnPerYuanPerMille: 1000 },
      campaigns: [
        { kind: 'spendThreshold', campaignId: 'mj-50-5', name: { zh: '满50减5', en: '5 off 50' }, validFrom: '2026-01-01T00:00:00+08:00', validTo: '2030-01-01T00:00:00+08:00', thresholdFen: 5000, offFen: 500 },
      ],
      settings: { rounding: 'jiao', storedValueOrder: 'principalFirst' },
    },
  });
  await s.ruleSets.publish(hq, draft.id);
  const goldType = (await s.cards.listCardTypes(hq)).find((t) => t.level === 'gold')!;
  const member = await s.members.createMember(hq, { name: '王小明', phone: '13812345678', storeId, birthday: '1990-05-20' });
  const cardNo = syntheticCardNumber(20261125);
  await s.cards.issueCard(hq, { memberId: member.id, cardTypeId: goldType.id, cardNo });
  await s.ledger.recharge(systemActor(seed.merchantId, storeId), { idempotencyKey: 'demo-wang-recharge', cardNo, amountFen: 30_000 });
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
      ],
    },
    { logger },
  );
  const control = await startControlServer(sim, { port: Number(process.env.SIM_PORT ?? 0) });
  const printed: PrinterJob[] = [];
  sim.device('printer', 'printer').printer.on('receipt', (job: PrinterJob) => printed.push(job));
  const terminal: TerminalRuntime = await startTerminal({
    dataDir: terminalDir,
    devices: deviceMapFromSimulator(sim.map, { paperWidth: 58 }).devices,
    deviceFactory: { hidBackend: sim.hidBackend },
    pagePort: Number(process.env.PAGE_PORT ?? 0),
    cashierName: '南京路收银员',
    logger,
  });
  await until('the first sync', () => terminal.store.cursor() !== null && terminal.store.catalogue.itemByBarcode(ITEMS[0]!.barcodes[0]!) !== null);

  say(`网关 ${gateway.url}（SQLite: ${join(root, 'gateway.db')}）`, `gateway ${gateway.url}, HQ login "${DEMO_MERCHANT_CODE}" / hq / ${DEMO_PASSWORD}`);
  say(`收银页面 ${terminal.page.url}`, `cashier page ${terminal.page.url}`);
  say(`硬件模拟器控制台 ${control.url}`, `simulator control page ${control.url} (${sim.map.hidBackend})`);
  say(`终端 ${enrolment.terminalId} 已注册并完成同步`, 'terminal enrolled over HTTP and bootstrapped over the signed WebSocket');

  // ── a sale, through the simulated devices ───────────────────────────────────────────────
  const scanner = sim.device('scanner', 'scanner').device;
  for (const item of [ITEMS[0]!, ITEMS[0]!, ITEMS[1]!, ITEMS[3]!]) {
    await scanner.scan(item.barcodes[0]!);
    await new Promise((r) => setTimeout(r, 150));
  }
  await until('4 scanned lines', () => terminal.checkout.state.lines.reduce((n, l) => n + l.quantityMilli, 0) === 4000);
  await sim.device('magstripe', 'magstripe').device.swipe({ pan: cardNo, name: 'WANG/XIAOMING', expiryYymm: '3012', serviceCode: '101', discretionary: '000000' });
  await until('the member card', () => terminal.checkout.state.member !== null);
  const payable = terminal.checkout.state.priced!.totals.payableFen;
  const storedValueFen = 5_000;
  const cashFen = Math.ceil((payable - storedValueFen) / 1000) * 1000;
  say(`应付 ¥${formatYuan(payable)}：储值 ¥${formatYuan(storedValueFen)} + 现金 ¥${formatYuan(cashFen)}`, `to pay ¥${formatYuan(payable)}: stored value ¥${formatYuan(storedValueFen)} + cash ¥${formatYuan(cashFen)}`);
  await runPageCommand({ type: 'pay', tenders: [{ kind: 'storedValue', amountFen: storedValueFen }, { kind: 'cash', amountFen: cashFen }] }, terminal.checkout, terminal.bus);
  await until('the printed receipt', () => printed.length > 0);
  const job = printed[0]!;
  const pngPath = join(root, 'receipts', `${terminal.checkout.state.committed?.receiptNo ?? 'receipt'}.png`);
  writeFileSync(pngPath, job.png);
  console.log('\n──────── 小票 / receipt (decoded from the simulated printer) ────────');
  console.log(job.text.trimEnd());
  console.log('────────────────────────────────────────────────────────────────');
  say(`小票图片 ${pngPath}`, `receipt picture ${pngPath}`);

  await terminal.sync.whenDrained();
  const balance = await s.ledger.balanceOf(seed.merchantId, cardNo);
  const points = await s.ledger.pointsOf(seed.merchantId, member.id);
  say(
    `已同步到网关：会员卡余额 ¥${formatYuan(balance.principalFen + balance.bonusFen)}，积分 ${points}`,
    `synced to the gateway ledger: card balance ¥${formatYuan(balance.principalFen + balance.bonusFen)}, points ${points}`,
  );

  const stop = async () => {
    await terminal.close();
    await control.close();
    await sim.close();
    await gateway.close();
  };
  if (once) {
    await stop();
    return;
  }
  say('按 Ctrl+C 退出', 'Ctrl+C stops everything');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
