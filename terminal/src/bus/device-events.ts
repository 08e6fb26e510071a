// The vocabulary of the device bus: events devices emit and commands the till sends them.
// Commands cross from the cashier page and the CLI, so they have zod schemas; events are built by our drivers.
import { z } from 'zod';
import { FuelGrade, NozzleNo, Preset, PumpNo, TillId, type NozzleTotalizer, type PumpStatus } from '@pos/protocol';
import type { DeviceErrorCode } from './device-error.js';
import { ReceiptInput } from './receipt-input.js';
import { ReportInput } from './report-input.js';

export const DeviceClass = z.enum(['scanner', 'magstripe', 'rfid', 'printer', 'display', 'forecourt']);
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
  | { type: 'deviceError'; deviceId: string; code: DeviceErrorCode; message: string; messageZh: string }
  /**
   * A pump's state as its forecourt controller reports it (every change, and every sampling step while fueling).
   * `incomplete`: the pump went offline or into error mid-delivery, so the figures are the last ones reported.
   */
  | { type: 'pump'; deviceId: string; status: PumpStatus; incomplete: boolean }
  /** Electronic totalizers of one pump, read on command (shift close). */
  | { type: 'pumpTotalizers'; deviceId: string; pumpNo: number; totalizers: NozzleTotalizer[] };

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
/** Prints a report that is not a sale (shift close 班结); held and retried like a receipt. */
export const PrintReportCommand = z.object({
  type: z.literal('printReport'),
  deviceId: z.string().min(1).max(200).optional(),
  jobId: z.string().min(1).max(64),
  report: ReportInput,
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
const forecourtDevice = { deviceId: z.string().min(1).max(200).optional() };
/** Authorise a pump with a preset by amount, volume or full tank (optionally one nozzle). */
export const AuthorizePumpCommand = z.object({ type: z.literal('authorizePump'), ...forecourtDevice, pumpNo: PumpNo, nozzleNo: NozzleNo.optional(), preset: Preset });
/** Pause a delivery (or cancel an authorisation not yet used). */
export const StopPumpCommand = z.object({ type: z.literal('stopPump'), ...forecourtDevice, pumpNo: PumpNo });
export const ResumePumpCommand = z.object({ type: z.literal('resumePump'), ...forecourtDevice, pumpNo: PumpNo });
/** Stop every pump of the controller at once. */
export const EmergencyStopCommand = z.object({ type: z.literal('emergencyStop'), ...forecourtDevice });
/** New prices per litre; the controller applies them to the next transaction of each pump. */
export const SetFuelPricesCommand = z.object({
  type: z.literal('setFuelPrices'),
  ...forecourtDevice,
  prices: z.array(z.object({ grade: FuelGrade, unitPriceFen: z.number().int().min(1).max(100_000) })).min(1).max(8),
});
/** Reads a pump's totalizers; they arrive as a pumpTotalizers event. */
export const ReadTotalizersCommand = z.object({ type: z.literal('readTotalizers'), ...forecourtDevice, pumpNo: PumpNo });
/** Releases a finished, paid pump transaction so the pump returns to idle. */
export const ClosePumpTransactionCommand = z.object({
  type: z.literal('closePumpTransaction'),
  ...forecourtDevice,
  pumpNo: PumpNo,
  transactionId: z.string().min(1).max(64),
  /** The till that locked it, when one did. */
  tillId: TillId.optional(),
});
/** Claims a finished (or cut-short) transaction for this till to settle; another till's claim is refused. */
export const LockPumpTransactionCommand = z.object({
  type: z.literal('lockPumpTransaction'),
  ...forecourtDevice,
  pumpNo: PumpNo,
  transactionId: z.string().min(1).max(64),
  tillId: TillId,
});
/** Gives a claimed transaction back (sale abandoned), so another till may settle it. */
export const UnlockPumpTransactionCommand = z.object({
  type: z.literal('unlockPumpTransaction'),
  ...forecourtDevice,
  pumpNo: PumpNo,
  transactionId: z.string().min(1).max(64),
  tillId: TillId,
});
export const DeviceCommand = z.discriminatedUnion('type', [
  PrintCommand,
  PrintReportCommand,
  ReprintLastCommand,
  KickDrawerCommand,
  DisplayCommand,
  AuthorizePumpCommand,
  StopPumpCommand,
  ResumePumpCommand,
  EmergencyStopCommand,
  SetFuelPricesCommand,
  ReadTotalizersCommand,
  ClosePumpTransactionCommand,
  LockPumpTransactionCommand,
  UnlockPumpTransactionCommand,
]);
/** A command as callers write it (defaults optional); the bus parses it before a driver sees it. */
export type DeviceCommand = z.input<typeof DeviceCommand>;
export type DeviceCommandType = DeviceCommand['type'];
