// `npm start`: the main job. A gateway (embedded SQLite under ./data/demo), the hardware
// simulator and one terminal run together in this process, over their real transports (see
// demo-stack.ts); a member's sale goes through the simulated scanner, card reader and ESC/POS
// printer and syncs to the gateway's ledger. It prints what the cashier sees and keeps running
// (Ctrl+C stops) unless given --once.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { formatYuan } from '@pos/protocol';
import { runPageCommand } from '@pos/terminal';
import { DEMO_MERCHANT_CODE, DEMO_PASSWORD } from '../gateway/src/demo/seed-demo.js';
import { DEMO_ITEMS, startDemoStack, until } from './demo-stack.js';
import { ensureAdminBuilt } from '../gateway/src/admin/ensure-admin-built.js';

const once = process.argv.includes('--once');
const logger = pino({ name: 'pos-demo', level: process.env.LOG_LEVEL ?? 'warn' });
const say = (zh: string, en: string) => console.log(`${zh}\n  ${en}`);

async function main(): Promise<void> {
  // The HQ console is served by the gateway under /admin/: build it first when it is missing or stale.
  await ensureAdminBuilt({ log: (line) => console.log(line) });
  const stack = await startDemoStack({
    root: resolve('data/demo'),
    logger,
    gatewayPort: Number(process.env.GATEWAY_PORT ?? 0),
    pagePort: Number(process.env.PAGE_PORT ?? 0),
    simPort: Number(process.env.SIM_PORT ?? 0),
    forecourt: true,
  });
  const { gateway, sim, control, terminal, printed, cardNo, root } = stack;
  const s = gateway.services;
  say(`网关 ${gateway.url}（SQLite: ${join(root, 'gateway.db')}）`, `gateway ${gateway.url}, HQ login "${DEMO_MERCHANT_CODE}" / hq / ${DEMO_PASSWORD}`);
  say(`商家后台 ${gateway.url}/admin/`, `HQ console ${gateway.url}/admin/ (hq or sh01-manager / ${DEMO_PASSWORD})`);
  say(`收银页面 ${terminal.page.url}`, `cashier page ${terminal.page.url}`);
  say(`加油站收银页面 ${terminal.page.url}kiosk`, `forecourt kiosk page ${terminal.page.url}kiosk (4 simulated pumps)`);
  say(`会员页面（手机）${gateway.url}/m/，验证码见 ${join(root, 'notifications.jsonl')}`, `member page (phone) ${gateway.url}/m/, SMS codes land in ${join(root, 'notifications.jsonl')}`);
  say(`硬件模拟器控制台 ${control.url}`, `simulator control page ${control.url} (${sim.map.hidBackend})`);
  say(`终端 ${stack.terminalId} 已注册并完成同步`, 'terminal enrolled over HTTP and bootstrapped over the signed WebSocket');

  // ── a sale, through the simulated devices ───────────────────────────────────────────────
  const scanner = sim.device('scanner', 'scanner').device;
  for (const item of [DEMO_ITEMS[0]!, DEMO_ITEMS[0]!, DEMO_ITEMS[1]!, DEMO_ITEMS[3]!]) {
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
  const balance = await s.ledger.balanceOf(stack.merchantId, cardNo);
  const points = await s.ledger.pointsOf(stack.merchantId, stack.memberId);
  say(
    `已同步到网关：会员卡余额 ¥${formatYuan(balance.principalFen + balance.bonusFen)}，积分 ${points}`,
    `synced to the gateway ledger: card balance ¥${formatYuan(balance.principalFen + balance.bonusFen)}, points ${points}`,
  );

  // ── a fuel sale at the kiosk: pump 1 authorised for 100 yuan of 95#, settled with the member's card ──
  const kiosk = terminal.kiosk!;
  const fcc = sim.device('forecourt', 'forecourt').controller;
  const page = (command: Parameters<typeof runPageCommand>[0]) => runPageCommand(command, terminal.checkout, terminal.bus, kiosk, terminal.shift);
  await page({ type: 'authorizePump', pumpNo: 1, preset: { kind: 'amount', amountFen: 10_000 } });
  fcc.liftNozzle(1, 2);
  await until('pump 1 finished', () => kiosk.pump(1)?.status.state === 'finished');
  fcc.hangUpNozzle(1);
  await page({ type: 'settlePump', pumpNo: 1 });
  await sim.device('magstripe', 'magstripe').device.swipe({ pan: cardNo, name: 'WANG/XIAOMING', expiryYymm: '3012', serviceCode: '101', discretionary: '000000' });
  await until('the member card', () => terminal.checkout.state.member !== null);
  await page({ type: 'pay', tenders: [{ kind: 'storedValue', amountFen: terminal.checkout.state.priced!.totals.payableFen }] });
  await until('the fuel receipt', () => printed.length > 1);
  console.log('\n──────── 加油小票 / fuel receipt (decoded from the simulated printer) ────────');
  console.log(printed[1]!.text.trimEnd());
  console.log('────────────────────────────────────────────────────────────────');
  await until('pump 1 released', () => kiosk.pump(1)?.status.state === 'idle');
  await terminal.sync.whenDrained();
  const afterFuel = await s.ledger.balanceOf(stack.merchantId, cardNo);
  say(`加油已结算并同步：会员卡余额 ¥${formatYuan(afterFuel.principalFen + afterFuel.bonusFen)}`, `fuel sale settled and synced: card balance ¥${formatYuan(afterFuel.principalFen + afterFuel.bonusFen)}`);

  const stop = stack.stop;
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
