// `npm run doctor`: checks that the native modules load and the machine has what the
// runtime and the tests need, and says in plain words how to fix what is missing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';

// Native modules are resolved from the workspace that depends on them.
const requireFromTerminal = createRequire(new URL('../terminal/package.json', import.meta.url));

interface Check {
  name: string;
  required: boolean;
  run: () => Promise<string>;
  fix: string;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

function tcpReachable(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve(`listening on ${host}:${port}`);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function debianPackage(name: string): Promise<string> {
  const status = execFileSync('dpkg-query', ['-W', '-f=${Status} ${Version}', name], { encoding: 'utf8' });
  if (!status.startsWith('install ok installed')) throw new Error(`${name} is not installed`);
  return Promise.resolve(`${name} ${status.split(' ').pop()}`);
}

const checks: Check[] = [
  {
    name: 'better-sqlite3 (journal, outbox, member cache, embedded gateway database)',
    required: true,
    run: async () => {
      const Database = requireFromTerminal('better-sqlite3');
      const db = new Database(':memory:');
      const { version } = db.prepare('select sqlite_version() as version').get() as { version: string };
      db.close();
      return `SQLite ${version}`;
    },
    fix: 'run `npm rebuild better-sqlite3` (needs python3, make and g++); keep it at major 12 on Node 20',
  },
  {
    name: 'serialport (serial scanners, card readers, pole displays, forecourt controllers)',
    required: true,
    run: async () => {
      const { autoDetect } = requireFromTerminal('@serialport/bindings-cpp');
      const ports = await autoDetect().list();
      return `loaded, ${ports.length} serial port(s) visible`;
    },
    fix: 'run `npm rebuild @serialport/bindings-cpp`',
  },
  {
    name: 'node-hid (HID keyboard-wedge scanners and card readers)',
    required: true,
    run: async () => {
      const hid = requireFromTerminal('node-hid');
      return `loaded, ${hid.devices().length} HID device(s) visible`;
    },
    fix: 'install the USB runtime library: `apt-get install libusb-1.0-0`, then `npm rebuild node-hid`',
  },
  {
    name: 'usb (USB bulk receipt printers)',
    required: true,
    run: async () => {
      const { WebUSB } = requireFromTerminal('usb');
      try {
        const devices = await new WebUSB({ allowAllDevices: true }).getDevices();
        return `loaded, ${devices.length} USB device(s) visible`;
      } catch (error) {
        // The binding loaded; enumeration failing means the machine has no USB bus (containers, CI).
        return `loaded, but this machine has no USB bus to list (${firstLine(error)})`;
      }
    },
    fix: 'run `npm rebuild usb`',
  },
  {
    name: 'socat (pseudo-terminal serial ports for the hardware simulator)',
    required: false,
    run: () => debianPackage('socat'),
    fix: '`apt-get install socat` (only the simulator and its tests need it)',
  },
  {
    name: 'chromium (browser tests of the cashier, kiosk and console pages)',
    required: false,
    run: async () => {
      if (!existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium not found');
      return debianPackage('chromium');
    },
    fix: '`apt-get install chromium` (only the browser tests need it; never let a tool download its own browser)',
  },
  {
    name: 'PostgreSQL on 127.0.0.1:5432 (production gateway storage; the storage tests run on it too)',
    required: false,
    run: () => tcpReachable('127.0.0.1', 5432, 1000),
    fix: 'start it: `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`',
  },
];

let missingRequired = 0;
for (const check of checks) {
  try {
    const detail = await check.run();
    console.log(`  ok       ${check.name}: ${detail}`);
  } catch (error) {
    if (check.required) missingRequired += 1;
    console.log(`  ${check.required ? 'MISSING ' : 'optional'} ${check.name}: ${firstLine(error)}`);
    console.log(`           fix: ${check.fix}`);
  }
}
console.log(
  missingRequired === 0
    ? 'doctor: every native module loads. 原生模块均已加载。'
    : `doctor: ${missingRequired} required module(s) do not load; see the fixes above. 有 ${missingRequired} 个必需模块无法加载。`,
);
process.exitCode = missingRequired === 0 ? 0 : 1;
