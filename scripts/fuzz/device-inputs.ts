// Fuzz target (b): random bytes on every serial input (scanner, magstripe, RFID and the forecourt
// controller link on the simulator's socat PTYs) and random input reports on every HID input (the simulator's HID backend), read by
// the terminal's real drivers on the device bus. Invariants: junk yields `deviceError` events or
// nothing (a junk line that happens to look like a code is counted, not failed), never a detach,
// a crash or an unhandled rejection; after the junk and an end of line, a valid read comes through
// exactly as sent (for the forecourt link: a totalizer request is answered); every device is still
// attached at the end.
import { keyboardReports, startSimulator, syntheticCardNumber, type RunningSimulator } from '@pos/hardware-sim';
import { DeviceBus } from '../../terminal/src/bus/device-bus.js';
import type { DeviceEvent } from '../../terminal/src/bus/device-events.js';
import { createDevices } from '../../terminal/src/devices/device-factory.js';
import type { ForecourtDriver } from '../../terminal/src/devices/pump/forecourt-driver.js';
import { deviceMapFromSimulator } from '../../terminal/src/devices/simulator-device-map.js';
import { FuzzTally, pickOne, randomBytes, randomInt, seededRandom, type FuzzResult } from './fuzz-result.js';

export interface DeviceInputOptions {
  /** Junk bursts per input device. */
  roundsPerDevice: number;
  seed: number;
  progress?: (line: string) => void;
}

const EAN13 = ['6901234567892', '4006381333931', '9787111213826', '6920152400012'];
const READ_TIMEOUT_MS = 3_000;

type InputDevice = { id: string; cls: 'scanner' | 'magstripe' | 'rfid' | 'forecourt'; transport: 'hid' | 'serial' };
const INPUTS: InputDevice[] = [
  { id: 'scanner-hid', cls: 'scanner', transport: 'hid' },
  { id: 'scanner-serial', cls: 'scanner', transport: 'serial' },
  { id: 'magstripe-hid', cls: 'magstripe', transport: 'hid' },
  { id: 'magstripe-serial', cls: 'magstripe', transport: 'serial' },
  { id: 'rfid-hid', cls: 'rfid', transport: 'hid' },
  { id: 'rfid-serial', cls: 'rfid', transport: 'serial' },
  { id: 'fcc', cls: 'forecourt', transport: 'serial' },
];

export async function fuzzDeviceInputs(options: DeviceInputOptions): Promise<FuzzResult> {
  const tally = new FuzzTally('serial and HID inputs');
  const random = seededRandom(options.seed);
  const crashes: string[] = [];
  const onCrash = (error: unknown) => crashes.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  let sim: RunningSimulator | null = null;
  let bus: DeviceBus | null = null;
  try {
    sim = await startSimulator({
      devices: [
        { class: 'scanner', id: 'scanner-hid', transport: 'hid', vendorId: 0x05e0, productId: 0x1200 },
        { class: 'scanner', id: 'scanner-serial', transport: 'serial' },
        { class: 'magstripe', id: 'magstripe-hid', transport: 'hid', vendorId: 0x0801, productId: 0x0001 },
        { class: 'magstripe', id: 'magstripe-serial', transport: 'serial' },
        { class: 'rfid', id: 'rfid-hid', transport: 'hid', vendorId: 0xffff, productId: 0x0035 },
        { class: 'rfid', id: 'rfid-serial', transport: 'serial' },
        // pos-forecourt/1 line-framed JSON; only its serial link is read here (the TCP one is left out of the bus)
        { class: 'forecourt', id: 'fcc', pumpCount: 2, serial: true },
      ],
    });
    const running = sim;
    const map = deviceMapFromSimulator(JSON.parse(JSON.stringify(running.map)), { extra: () => ({ backoff: { initialDelayMs: 20, maxDelayMs: 200 } }) });
    bus = new DeviceBus();
    const drivers = createDevices(map.devices.filter((d) => d.name !== 'fcc'), { hidBackend: running.hidBackend });
    for (const device of drivers) bus.add(device);
    const events: DeviceEvent[] = [];
    const subscription = bus.events$.subscribe((e) => events.push(e));
    const opened = await bus.openAll();
    for (const o of opened) tally.check(!o.error, `device did not open: ${JSON.stringify(o)}`);
    const busId = (name: string) => {
      const entry = running.map.devices.find((d) => d.id === (name === 'fcc' ? 'fcc-serial' : name))!;
      return entry.transport === 'serial' ? `serial_${entry.address}` : entry.address;
    };

    const junk = async (input: InputDevice) => {
      const sd = running.devices.get(input.id)!;
      const output = 'output' in sd ? sd.output : null;
      if (input.transport === 'serial') {
        await running.garbage(input.id, randomBytes(random, 64));
        await running.garbage(input.id, Buffer.from('\r\n'));
      } else if (output?.kind === 'hid') {
        const reports = Array.from({ length: 1 + randomInt(random, 12) }, () => Buffer.from(randomBytes(random, random() < 0.8 ? 8 : 16)));
        await output.device.sendReports([...reports, Buffer.alloc(8), ...keyboardReports('', true)]);
      }
    };
    const validRead = async (input: InputDevice, round: number): Promise<(e: DeviceEvent) => boolean> => {
      if (input.cls === 'forecourt') {
        // A request after the junk is answered: the driver's line framing and pending map recovered.
        const driver = drivers.find((d) => d.id === busId(input.id)) as ForecourtDriver;
        const answered = await driver.readTotalizers(1).then(
          (t) => Array.isArray(t),
          () => false,
        );
        return () => answered;
      }
      if (input.cls === 'scanner') {
        const code = pickOne(random, EAN13);
        await running.device(input.id, 'scanner').device.scan(code);
        return (e) => e.type === 'scan' && e.code === code;
      }
      if (input.cls === 'magstripe') {
        const pan = syntheticCardNumber(1 + (round % 500));
        await running.device(input.id, 'magstripe').device.swipe({ pan, name: 'FUZZ/TEST', expiryYymm: '2812', serviceCode: '120', discretionary: '0001' });
        return (e) => e.type === 'cardRead' && e.track2?.pan === pan && e.track1?.pan === pan;
      }
      const uid = (0x04000000 + round).toString(16).padStart(8, '0').toUpperCase();
      await running.device(input.id, 'rfid').device.tap(uid.toLowerCase());
      return (e) => e.type === 'cardRead' && e.uid === uid;
    };

    for (const input of INPUTS) {
      const deviceId = busId(input.id);
      for (let round = 0; round < options.roundsPerDevice; round += 1) {
        const from = events.length;
        await junk(input);
        const wanted = await validRead(input, round);
        tally.cases += 1;
        const deadline = Date.now() + READ_TIMEOUT_MS;
        let found = -1;
        if (input.cls === 'forecourt') found = wanted(null as never) ? events.length : -1;
        while (found < 0 && input.cls !== 'forecourt' && Date.now() < deadline) {
          found = events.findIndex((e, i) => i >= from && e.deviceId === deviceId && wanted(e));
          if (found < 0) await new Promise((r) => setTimeout(r, 2));
        }
        for (const e of events.slice(from, found < 0 ? undefined : found)) {
          // The totalizers the valid request asked for are its answer, not junk.
          if (e.deviceId !== deviceId || (input.cls === 'forecourt' && e.type === 'pumpTotalizers')) continue;
          const label = e.type === 'deviceError' ? `deviceError:${e.code}` : e.type === 'scan' || e.type === 'cardRead' ? `junk read as ${e.type}` : e.type;
          tally.count(`${input.id} junk → ${label}`);
          tally.check(e.type !== 'deviceDetached' && e.type !== 'deviceAttached', `${input.id}: junk made the device ${e.type}`);
        }
        tally.count(`${input.id} valid read after junk → ${found < 0 ? 'MISSED' : 'read correctly'}`);
        tally.check(found >= 0, `${input.id} round ${round}: the valid read after junk did not come through`);
        // Events are only needed until the round is judged.
        if (events.length > 10_000) events.splice(0, events.length);
      }
      options.progress?.(`  ${input.id}: ${options.roundsPerDevice} junk bursts`);
    }
    await new Promise((r) => setTimeout(r, 100));
    for (const device of bus.list()) tally.check(device.health.state === 'attached', `${device.id} is ${device.health.state} at the end`);
    tally.note(`devices attached at the end: ${bus.list().filter((d) => d.health.state === 'attached').length}/${bus.list().length}`);
    subscription.unsubscribe();
  } finally {
    await bus?.closeAll();
    await sim?.close();
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
  for (const c of crashes) tally.fail(`uncaught: ${c}`);
  tally.note(`uncaught exceptions or rejections: ${crashes.length}`);
  return tally.result();
}
