// The vocabulary of the device bus: events devices emit and commands the till sends them.
// Commands cross from the cashier page and the CLI, so they have zod schemas; events are built by our drivers.
import { z } from 'zod';
import type { DeviceErrorCode } from './device-error.js';
import { ReceiptInput } from './receipt-input.js';

export const DeviceClass = z.enum(['scanner', 'magstripe', 'rfid', 'printer', 'display']);
export type DeviceClass = z.infer<typeof DeviceClass>;

export type Symbology = 'EAN-13' | 'EAN-8' | 'UPC-A' | 'other';

/** ISO 7813 track 1 (format B), parsed. */
export interface Track1 {
  pan: string;
  /** Surname/given names as encoded on the card (`DOE/JOHN`), trimmed. */
  name: string;
  /** YYMM; empty when the card encodes no expiry. */
  expiryYymm: string;
  serviceCode: string;
  discretionary: string;
}

/** ISO 7813 track 2, parsed. */
export interface Track2 {
  pan: string;
  expiryYymm: string;
  serviceCode: string;
  discretionary: string;
}

export interface PrinterState {
  online: boolean;
  paperOut: boolean;
  coverOpen: boolean;
  paperNearEnd: boolean;
}

/**
 * Everything a device tells the till. Card reads carry parsed tracks (the PAN is the member card number);
 * a swipe or UID that fails validation arrives as deviceError, never as cardRead. `printed` confirms a print job.
 */
export type DeviceEvent =
  | { type: 'scan'; deviceId: string; code: string; symbology?: Symbology }
  | { type: 'cardRead'; deviceId: string; track1?: Track1; track2?: Track2; uid?: string }
  | { type: 'drawer'; deviceId: string; state: 'open' | 'closed' }
  | ({ type: 'printer'; deviceId: string } & PrinterState)
  | { type: 'printed'; deviceId: string; jobId: string; reprint: boolean }
  | { type: 'deviceAttached'; deviceId: string; deviceClass: DeviceClass }
  | { type: 'deviceDetached'; deviceId: string; deviceClass: DeviceClass; reason: string }
  | { type: 'deviceError'; deviceId: string; code: DeviceErrorCode; message: string; messageZh: string };

export type DeviceEventType = DeviceEvent['type'];
export type DeviceEventOf<T extends DeviceEventType> = Extract<DeviceEvent, { type: T }>;

/** Print one receipt; the printer lays it out for its paper width. jobId makes a retried command the same job. */
export const PrintCommand = z.object({
  type: z.literal('print'),
  deviceId: z.string().min(1).max(200).optional(),
  jobId: z.string().min(1).max(64),
  receipt: ReceiptInput,
  /** Marks the copy "重打小票 / REPRINT" (a receipt reprinted from the journal after a restart). */
  reprint: z.boolean().default(false),
});
export const ReprintLastCommand = z.object({
  type: z.literal('reprintLast'),
  deviceId: z.string().min(1).max(200).optional(),
});
export const KickDrawerCommand = z.object({
  type: z.literal('kickDrawer'),
  deviceId: z.string().min(1).max(200).optional(),
  /** Drawer connector pin: 2 (most drawers) or 5. */
  pin: z.union([z.literal(2), z.literal(5)]).default(2),
});
export const DisplayCommand = z.object({
  type: z.literal('display'),
  deviceId: z.string().min(1).max(200).optional(),
  top: z.string().max(40),
  bottom: z.string().max(40),
});
export const DeviceCommand = z.discriminatedUnion('type', [PrintCommand, ReprintLastCommand, KickDrawerCommand, DisplayCommand]);
/** A command as callers write it (defaults optional); the bus parses it before a driver sees it. */
export type DeviceCommand = z.input<typeof DeviceCommand>;
export type DeviceCommandType = DeviceCommand['type'];
