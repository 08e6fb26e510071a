// Reads the device map the hardware simulator prints (`pos-sim start`) into our device map, so a terminal can
// run against the simulator without a hand-written file. Only the JSON format is shared; no simulator code.
import { z } from 'zod';
import { DeviceError } from '../bus/device-error.js';
import { parseDeviceMap, type DeviceMap } from './device-map.js';

const SimEntry = z.object({
  id: z.string().min(1).max(64),
  class: z.enum(['printer', 'scanner', 'magstripe', 'rfid', 'pole-display', 'cash-drawer', 'forecourt']),
  transport: z.enum(['tcp', 'usb', 'hid', 'serial', 'printer-kick']),
  address: z.string().min(1).max(300),
  vendorId: z.number().int().min(0).max(0xffff).optional(),
  productId: z.number().int().min(0).max(0xffff).optional(),
  baudRate: z.number().int().positive().optional(),
});
const SimMap = z.object({ devices: z.array(SimEntry).max(64) });

export interface FromSimulatorOptions {
  paperWidth?: 58 | 80;
  /** RFID readers the simulator runs in decimal (EM4100-style) mode, by simulator id. */
  decimalRfidIds?: readonly string[];
  /** Extra settings per device (e.g. faster status polling in tests). */
  extra?: (simId: string, deviceClass: string) => Record<string, unknown>;
}

export function deviceMapFromSimulator(input: unknown, options: FromSimulatorOptions = {}): DeviceMap {
  const parsed = SimMap.safeParse(input);
  if (!parsed.success) throw new DeviceError('BAD_DEVICE_MAP', `simulator map: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const devices = parsed.data.devices.flatMap((d): unknown[] => {
    let transport: Record<string, unknown>;
    switch (d.transport) {
      case 'hid':
      case 'usb':
        transport = { kind: d.transport, vendorId: d.vendorId, productId: d.productId };
        break;
      case 'serial':
        transport = { kind: 'serial', path: d.address, ...(d.baudRate ? { baudRate: d.baudRate } : {}) };
        break;
      case 'tcp': {
        const colon = d.address.lastIndexOf(':');
        transport = { kind: 'tcp', host: d.address.slice(0, colon), port: Number(d.address.slice(colon + 1)) };
        break;
      }
      case 'printer-kick':
        return []; // the drawer is driven through its printer
    }
    const deviceClass = d.class === 'pole-display' ? 'display' : d.class;
    const classExtra =
      deviceClass === 'printer'
        ? { paperWidth: options.paperWidth ?? 80, startsInChineseMode: true }
        : deviceClass === 'rfid' && options.decimalRfidIds?.includes(d.id)
          ? { uidFormat: 'decimal' }
          : {};
    return [{ name: d.id, deviceClass, transport, ...classExtra, ...(options.extra?.(d.id, deviceClass) ?? {}) }];
  });
  return parseDeviceMap({ version: 1, devices });
}
