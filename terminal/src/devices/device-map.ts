// The device map file: which device class sits at which transport address. Validated with zod when loaded.
import fs from 'node:fs/promises';
import { z } from 'zod';
import { BackoffOptions } from '../bus/backoff.js';
import { DeviceError } from '../bus/device-error.js';

const UsbId = z.union([z.number().int().min(0).max(0xffff), z.string().regex(/^(0x)?[0-9a-fA-F]{1,4}$/).transform((s) => parseInt(s.replace(/^0x/, ''), 16))]);

export const HidAddress = z.object({
  kind: z.literal('hid'),
  vendorId: UsbId,
  productId: UsbId,
  serialNumber: z.string().max(64).optional(),
  usagePage: z.number().int().min(0).max(0xffff).optional(),
});
export const UsbAddress = z.object({
  kind: z.literal('usb'),
  vendorId: UsbId,
  productId: UsbId,
  serialNumber: z.string().max(64).optional(),
  interfaceNumber: z.number().int().min(0).max(255).optional(),
  outEndpoint: z.number().int().min(1).max(15).optional(),
  inEndpoint: z.number().int().min(1).max(15).optional(),
});
export const SerialAddress = z.object({
  kind: z.literal('serial'),
  path: z.string().min(1).max(255),
  baudRate: z.number().int().refine((b) => [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].includes(b), 'expected a standard baud rate').default(9600),
});
export const TcpAddress = z.object({
  kind: z.literal('tcp'),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535).default(9100),
});
export const TransportAddress = z.discriminatedUnion('kind', [HidAddress, UsbAddress, SerialAddress, TcpAddress]);
export type TransportAddress = z.infer<typeof TransportAddress>;

const common = { name: z.string().max(60).optional(), backoff: BackoffOptions.partial().optional() };
const inputTransport = z.discriminatedUnion('kind', [HidAddress, SerialAddress]);

export const DeviceMapEntry = z.discriminatedUnion('deviceClass', [
  z.object({ ...common, deviceClass: z.literal('scanner'), transport: inputTransport, repeatWindowMs: z.number().int().min(0).max(10_000).default(0) }),
  z.object({ ...common, deviceClass: z.literal('magstripe'), transport: inputTransport, trackGapMs: z.number().int().min(0).max(2_000).default(100) }),
  z.object({ ...common, deviceClass: z.literal('rfid'), transport: inputTransport, uidFormat: z.enum(['hex', 'decimal']).default('hex') }),
  z.object({
    ...common,
    deviceClass: z.literal('printer'),
    transport: z.discriminatedUnion('kind', [UsbAddress, SerialAddress, TcpAddress]),
    paperWidth: z.union([z.literal(58), z.literal(80)]).default(80),
    startsInChineseMode: z.boolean().default(false),
    statusPollMs: z.number().int().min(100).max(60_000).default(1_000),
    statusTimeoutMs: z.number().int().min(50).max(10_000).default(1_000),
    maxHeldJobs: z.number().int().min(1).max(200).default(20),
    drawerOpenWhenPin3High: z.boolean().default(true),
  }),
  z.object({ ...common, deviceClass: z.literal('display'), transport: SerialAddress }),
  z.object({
    ...common,
    deviceClass: z.literal('forecourt'),
    transport: z.discriminatedUnion('kind', [SerialAddress, TcpAddress.extend({ port: z.number().int().min(1).max(65535) })]),
    requestTimeoutMs: z.number().int().min(50).max(60_000).default(3_000),
    maxPendingRequests: z.number().int().min(1).max(256).default(32),
  }),
]);
export type DeviceMapEntry = z.infer<typeof DeviceMapEntry>;

export const DeviceMap = z.object({
  version: z.literal(1),
  devices: z.array(DeviceMapEntry).max(32),
});
export type DeviceMap = z.infer<typeof DeviceMap>;

/** Validates a parsed device map; errors name the first bad field (`devices.1.transport.port`). */
export function parseDeviceMap(input: unknown): DeviceMap {
  const result = DeviceMap.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new DeviceError('BAD_DEVICE_MAP', `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

export async function loadDeviceMap(path: string): Promise<DeviceMap> {
  const text = await fs.readFile(path, 'utf8');
  if (text.length > 1_000_000) throw new DeviceError('BAD_DEVICE_MAP', `${path} is larger than 1 MB`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DeviceError('BAD_DEVICE_MAP', `${path}: ${error instanceof Error ? error.message : 'not JSON'}`);
  }
  return parseDeviceMap(json);
}
