// The terminal runtime: opens the local store, the devices of the device map, the checkout, the
// sync client and the cashier page, and wires them: device events → checkout → durable commit →
// receipt and drawer → outbox → gateway. `pos-terminal start` and the end-to-end demo run this.
import { join } from 'node:path';
import { BehaviorSubject, type Subscription, combineLatest, filter, map } from 'rxjs';
import pino, { type Logger } from 'pino';
import { DeviceBus, type ReceiptInput } from '../bus/index.js';
import { CheckoutMachine, connectCheckoutToBus, systemClock, type Clock } from '../checkout/index.js';
import { ConfigError, TerminalConfigStore, verifyManagerPin, type Enrolment, type TerminalConfig } from '../config/index.js';
import { createDevices, layoutReceipt, lineAndTotal, receiptText, type DeviceFactoryOptions, type DeviceMapEntry } from '../devices/index.js';
import { startCashierPage, toCashierView, type CashierPage, type CashierView } from '../page/index.js';
import { LocalStore } from '../store/index.js';
import { SyncClient } from '../sync/index.js';
import { runPageCommand } from './page-commands.js';
import { ForecourtKiosk, ShiftClose, settledInJournal, toKioskPumpViews } from '../forecourt/index.js';
import { receiptForSale } from './receipt-for-sale.js';
import { formatYuan } from '@pos/protocol';
import { RuleSet } from '@pos/engine';

export const TERMINAL_SOFTWARE_VERSION = '0.1.0';

export interface TerminalRuntimeOptions {
  /** Holds terminal.json, enrolment.json (0600) and the SQLite store terminal.db. */
  dataDir: string;
  devices: readonly DeviceMapEntry[];
  deviceFactory?: DeviceFactoryOptions;
  pageHost?: string;
  /** 0 for an ephemeral port. */
  pagePort?: number;
  cashierName?: string;
  clock?: Clock;
  logger?: Logger;
}

export interface TerminalRuntime {
  enrolment: Enrolment;
  config: TerminalConfig;
  store: LocalStore;
  bus: DeviceBus;
  checkout: CheckoutMachine;
  sync: SyncClient;
  page: CashierPage;
  /** The forecourt kiosk, when the device map has a forecourt controller (its page is /kiosk). */
  kiosk: ForecourtKiosk | null;
  /** Shift close (班结) of the forecourt, with the kiosk; the open shift is kept in <dataDir>/shift.json. */
  shift: ShiftClose | null;
  /** The text of each receipt as printed, newest last. */
  receipts$: BehaviorSubject<Array<{ receiptNo: string; text: string }>>;
  close(): Promise<void>;
}

/** ws(s)://host/v1/sync for the gateway's http(s) URL. */
export function syncUrlOf(gatewayUrl: string): string {
  const url = new URL(gatewayUrl);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.pathname = '/v1/sync';
  return url.toString();
}

export async function startTerminal(options: TerminalRuntimeOptions): Promise<TerminalRuntime> {
  const log = (options.logger ?? pino({ level: 'silent' })).child({ module: 'terminal/runtime' });
  const clock = options.clock ?? systemClock;
  const configStore = new TerminalConfigStore(options.dataDir);
  const enrolment = await configStore.readEnrolment();
  if (!enrolment) {
    throw new ConfigError('NOT_ENROLLED', 'this terminal is not enrolled: run `pos-terminal enrol <code> --gateway <url>` / 终端尚未注册');
  }
  let config = await configStore.readConfig();
  if (!config) {
    config = { receiptPrefix: `${enrolment.terminalId.slice(-4)}-`, locale: 'zh-CN', deviceMapPath: join(options.dataDir, 'devices.json'), dataDir: options.dataDir, managers: [], maxBasketLines: 200, maxSuspendedSales: 10 };
    await configStore.writeConfig(config);
  }
  const store = LocalStore.open(join(config.dataDir, 'terminal.db'), { logger: log });
  const bus = new DeviceBus();
  for (const device of createDevices(options.devices, { ...options.deviceFactory, logger: log })) bus.add(device);

  let sync: SyncClient | null = null;
  const checkout = new CheckoutMachine({
    store,
    clock,
    identity: { storeId: enrolment.storeId, terminalId: enrolment.terminalId, receiptPrefix: config.receiptPrefix, cashierId: options.cashierName ?? 'cashier' },
    verifyManagerPin: (pin) => verifyManagerPin(config.managers, pin),
    isOnline: () => sync?.status$.value.state === 'online',
    maxBasketLines: config.maxBasketLines,
    maxSuspendedSales: config.maxSuspendedSales,
    logger: log,
  });
  sync = new SyncClient({
    url: syncUrlOf(enrolment.gatewayUrl),
    terminalId: enrolment.terminalId,
    secret: enrolment.secret,
    store,
    softwareVersion: TERMINAL_SOFTWARE_VERSION,
    clock: () => clock.nowMs(),
    logger: log,
  });

  const subscriptions: Subscription[] = [connectCheckoutToBus(checkout, bus.events$)];
  // The sale is done when the printer reports its receipt out (a job held for paper waits here).
  subscriptions.push(
    bus.events$.subscribe((event) => {
      if (event.type === 'printed' && !event.reprint && event.jobId === checkout.state.committed?.saleId && checkout.state.phase === 'committed') {
        checkout.markPrinted();
      }
    }),
  );
  subscriptions.push(
    bus.events$.subscribe((event) => {
      if (event.type === 'deviceError' || event.type === 'deviceDetached') log.warn({ event }, 'device trouble');
    }),
  );
  // The customer's pole display shows the last line and the total whenever the priced basket changes.
  if (options.devices.some((d) => d.deviceClass === 'display')) {
    let shown = '';
    subscriptions.push(
      checkout.state$.subscribe((state) => {
        const lines = state.priced?.lines ?? [];
        const last = lines[lines.length - 1];
        const text = last
          ? lineAndTotal(config!.locale === 'en' ? last.name.en : last.name.zh, last.netFen, state.priced!.totals.payableFen, config!.locale)
          : { top: '', bottom: config!.locale === 'en' ? 'WELCOME' : '欢迎光临' };
        const key = `${text.top}\n${text.bottom}`;
        if (key === shown) return;
        shown = key;
        bus.send({ type: 'display', top: text.top, bottom: text.bottom }).catch((error: unknown) =>
          log.warn({ err: error instanceof Error ? error.message : String(error) }, 'customer display not updated'),
        );
      }),
    );
  }
  const receipts$ = new BehaviorSubject<Array<{ receiptNo: string; text: string }>>([]);
  const lastReceipt$ = new BehaviorSubject<CashierView['lastReceipt']>(null);

  // A committed sale is durable before anything below happens: print, open the drawer, mark printed.
  let printedSaleId: string | null = null;
  subscriptions.push(
    checkout.state$.pipe(filter((s) => s.phase === 'committed' && s.committed !== null && s.committed.saleId !== printedSaleId)).subscribe((state) => {
      const sale = state.committed!;
      printedSaleId = sale.saleId;
      sync?.notifyOutbox();
      const receipt: ReceiptInput | null = receiptForSale(state, {
        store: store.storeSettings(),
        terminalName: enrolment.terminalId.slice(-6),
        cashierName: options.cashierName ?? 'cashier',
        language: config!.locale,
        tierName: (tierId) => tierNameOf(store, tierId, config!.locale),
      });
      if (!receipt) return;
      const paperWidth = options.devices.find((d) => d.deviceClass === 'printer')?.paperWidth ?? 80;
      const text = receiptText(layoutReceipt(receipt, { paperWidth }), paperWidth);
      receipts$.next([...receipts$.value.slice(-49), { receiptNo: sale.receiptNo, text }]);
      const changeFen = sale.tenders.reduce((sum, t) => sum + (t.changeFen ?? 0), 0);
      lastReceipt$.next({ receiptNo: sale.receiptNo, text, change: changeFen > 0 ? formatYuan(changeFen) : null });
      void printAndOpenDrawer(bus, sale.saleId, receipt, sale.tenders.some((t) => t.kind === 'cash'), log);
    }),
  );

  const kiosk = options.devices.some((d) => d.deviceClass === 'forecourt')
    ? new ForecourtKiosk({ bus, checkout, tillId: enrolment.terminalId, isSettled: (pumpNo, txId) => settledInJournal(store, pumpNo, txId), logger: log })
    : null;
  const shift = kiosk
    ? new ShiftClose({
        bus,
        store,
        file: join(config.dataDir, 'shift.json'),
        identity: { storeId: enrolment.storeId, terminalId: enrolment.terminalId, cashierId: options.cashierName ?? 'cashier' },
        clock,
        pumpNos: () => kiosk.pumps.map((p) => p.status.pumpNo),
        isOnline: () => sync?.status$.value.state === 'online',
        language: config.locale,
        logger: log,
      })
    : null;
  const pumps$ = kiosk ? kiosk.pumps$ : new BehaviorSubject<ForecourtKiosk['pumps']>([]);
  const view$ = combineLatest([checkout.state$, sync.status$, lastReceipt$, pumps$]).pipe(
    map(([state, status, lastReceipt, pumps]) => {
      const view = toCashierView(state, { lastReceipt, sync: { state: status.state, pending: status.pending } });
      return kiosk ? { ...view, pumps: toKioskPumpViews(pumps, enrolment.terminalId, state) } : view;
    }),
  );
  const page = await startCashierPage({
    view$,
    handle: (command) => runPageCommand(command, checkout, bus, kiosk, shift),
    host: options.pageHost ?? '127.0.0.1',
    port: options.pagePort ?? 0,
    logger: log,
  });
  await bus.openAll();
  sync.start();
  log.info({ page: page.url, terminalId: enrolment.terminalId }, 'terminal running');

  return {
    enrolment,
    config,
    store,
    bus,
    checkout,
    sync,
    page,
    kiosk,
    shift,
    receipts$,
    close: async () => {
      for (const s of subscriptions) s.unsubscribe();
      kiosk?.close();
      await page.close();
      await sync?.stop();
      await bus.closeAll();
      checkout.close();
      store.close();
    },
  };
}

/** The tier's name in the active rule set, in the receipt's language. */
function tierNameOf(store: LocalStore, tierId: string, locale: 'zh-CN' | 'en'): string | undefined {
  const parsed = RuleSet.safeParse(store.activeRuleSet()?.rules);
  const tier = parsed.success ? parsed.data.tiers.find((t) => t.tierId === tierId) : undefined;
  return tier ? (locale === 'en' ? tier.name.en : tier.name.zh) : undefined;
}

/** Queues the receipt (the printer holds it while out of paper) and kicks the drawer for cash. */
async function printAndOpenDrawer(bus: DeviceBus, saleId: string, receipt: ReceiptInput, cash: boolean, log: Logger): Promise<void> {
  try {
    await bus.send({ type: 'print', jobId: saleId, receipt });
  } catch (error) {
    // The sale is committed; the printer holds or refuses the job and the cashier can reprint.
    log.error({ saleId, err: error instanceof Error ? error.message : String(error) }, 'receipt not printed');
  }
  if (!cash) return;
  try {
    await bus.send({ type: 'kickDrawer' });
  } catch (error) {
    log.error({ saleId, err: error instanceof Error ? error.message : String(error) }, 'drawer not opened');
  }
}
