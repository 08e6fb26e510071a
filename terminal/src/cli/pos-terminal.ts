// `pos-terminal start | devices | enrol <code> --gateway <url> | status | reprint`, the command line
// of the POS box. Every option is validated; errors print one line in zh-CN and en and exit 2.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import pino from 'pino';
import { z } from 'zod';
import { TerminalId, StoreId, MerchantId } from '@pos/protocol';
import { TerminalConfigStore } from '../config/index.js';
import { createDevices, loadDeviceMap, type DeviceMapEntry } from '../devices/index.js';
import { DeviceBus } from '../bus/index.js';
import { LocalStore } from '../store/index.js';
import { startTerminal } from '../runtime/index.js';

const USAGE = `usage: pos-terminal <command> [--data DIR]
  start [--page-port N] [--devices FILE]   run the till (cashier page on localhost)
  devices [--devices FILE]                 list the device map and open each device once
  enrol <code> --gateway URL               redeem an enrolment code from HQ
  status                                   enrolment, outbox, journal and sync position
  reprint [--devices FILE]                 reprint the last receipt from the journal`;

class CliError extends Error {}

const EnrolResponse = z.object({ terminalId: TerminalId, storeId: StoreId, merchantId: MerchantId, secret: z.string().min(16).max(512) });

async function deviceEntries(dataDir: string, explicit: string | undefined): Promise<DeviceMapEntry[]> {
  const config = await new TerminalConfigStore(dataDir).readConfig();
  const path = explicit ?? config?.deviceMapPath ?? join(dataDir, 'devices.json');
  if (!existsSync(path)) return [];
  return (await loadDeviceMap(path)).devices;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string', default: './data/terminal' },
      gateway: { type: 'string' },
      devices: { type: 'string' },
      'page-port': { type: 'string', default: '8088' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  const dataDir = resolve(values.data!);
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const logger = pino({ name: 'pos-terminal', level: process.env.LOG_LEVEL ?? 'info' });
  switch (command) {
    case 'enrol': {
      const code = rest[0];
      if (!code || !/^\d{6,12}$/.test(code)) throw new CliError('enrolment code must be 6-12 digits / 注册码应为 6-12 位数字');
      if (!values.gateway) throw new CliError('--gateway URL is required / 需要 --gateway 网关地址');
      const gateway = new URL(values.gateway);
      const response = await fetch(new URL('/v1/terminals/enrol', gateway), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      const json = (await response.json().catch(() => null)) as unknown;
      if (!response.ok) {
        const message = (json as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
        throw new CliError(`enrolment refused: ${message}`);
      }
      const enrolment = EnrolResponse.parse(json);
      await new TerminalConfigStore(dataDir).writeEnrolment({ ...enrolment, gatewayUrl: gateway.toString(), enrolledAt: new Date().toISOString() });
      console.log(`enrolled terminal ${enrolment.terminalId} in store ${enrolment.storeId} / 终端注册成功`);
      return;
    }
    case 'status': {
      const enrolment = await new TerminalConfigStore(dataDir).readEnrolment();
      if (!enrolment) throw new CliError('not enrolled / 尚未注册');
      const store = LocalStore.open(join(dataDir, 'terminal.db'));
      try {
        const last = store.journal.lastSale();
        console.log(
          JSON.stringify(
            {
              terminalId: enrolment.terminalId,
              storeId: enrolment.storeId,
              gateway: enrolment.gatewayUrl,
              outbox: store.journal.outboxSize(),
              journal: store.journal.journalSize(),
              cursor: store.cursor(),
              ruleSetVersion: store.activeRuleSet()?.version ?? null,
              lastReceipt: last?.body.receiptNo ?? null,
            },
            null,
            2,
          ),
        );
      } finally {
        store.close();
      }
      return;
    }
    case 'devices': {
      const entries = await deviceEntries(dataDir, values.devices);
      const bus = new DeviceBus();
      for (const device of createDevices(entries, { logger })) bus.add(device);
      const opened = await bus.openAll();
      for (const [i, entry] of entries.entries()) {
        const error = opened[i]?.error;
        console.log(`${entry.deviceClass.padEnd(9)} ${JSON.stringify(entry.transport)} ${error ? `✗ ${error.code}` : '✓'}`);
      }
      await bus.closeAll();
      return;
    }
    case 'reprint': {
      const store = LocalStore.open(join(dataDir, 'terminal.db'));
      const last = store.journal.lastSale();
      store.close();
      if (!last) throw new CliError('no sale in the journal yet / 暂无交易');
      const entries = await deviceEntries(dataDir, values.devices);
      const bus = new DeviceBus();
      for (const device of createDevices(entries.filter((e) => e.deviceClass === 'printer'), { logger })) bus.add(device);
      await bus.openAll();
      try {
        await bus.send({
          type: 'print',
          jobId: `${last.body.saleId}#cli-reprint`,
          reprint: true,
          receipt: { sale: last.body, store: { name: '门店' }, terminalName: last.body.terminalId.slice(-6), cashierName: last.body.cashierId ?? 'cashier' },
        });
        console.log(`reprinted ${last.body.receiptNo} / 已重打小票`);
      } finally {
        await bus.closeAll();
      }
      return;
    }
    case 'start': {
      const pagePort = Number(values['page-port']);
      if (!Number.isInteger(pagePort) || pagePort < 0 || pagePort > 65535) throw new CliError('--page-port must be a port number');
      const runtime = await startTerminal({ dataDir, devices: await deviceEntries(dataDir, values.devices), pagePort, logger });
      console.log(`cashier page: ${runtime.page.url} / 收银页面`);
      const stop = async () => {
        await runtime.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
    default:
      throw new CliError(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? `pos-terminal: ${error.message}` : String(error));
  process.exitCode = 2;
});
