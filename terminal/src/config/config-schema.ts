// Schemas of the terminal's JSON documents; every read goes through them.
import { z } from 'zod';
import { IsoTimestamp, MerchantId, StoreId, TerminalId } from '@pos/protocol';

/** A manager allowed to approve refunds; the PIN is kept only as a salted scrypt hash. */
export const ManagerPin = z.object({
  managerId: z.string().min(1).max(64),
  saltB64: z.string().min(16).max(128),
  hashB64: z.string().min(16).max(256),
});
export type ManagerPin = z.infer<typeof ManagerPin>;

export const TerminalConfig = z.object({
  /** Printed before the receipt number, e.g. "S01T02-". */
  receiptPrefix: z.string().regex(/^[A-Za-z0-9-]{0,16}$/).default(''),
  locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
  /** Where the device map (which device class at which transport address) lives. */
  deviceMapPath: z.string().min(1).max(1024),
  /** Directory of the SQLite store. */
  dataDir: z.string().min(1).max(1024),
  managers: z.array(ManagerPin).max(100).default([]),
  /** Largest basket the checkout accepts; the protocol allows 500 lines. */
  maxBasketLines: z.number().int().min(1).max(500).default(200),
  /** Largest number of suspended sales kept at once. */
  maxSuspendedSales: z.number().int().min(1).max(50).default(10),
});
export type TerminalConfig = z.infer<typeof TerminalConfig>;

/** What the gateway handed out when this terminal redeemed its enrolment code. Secret: file mode 0600. */
export const Enrolment = z.object({
  terminalId: TerminalId,
  storeId: StoreId,
  merchantId: MerchantId.optional(),
  /** HMAC key for signing frames, base64url. */
  secret: z.string().min(16).max(512),
  gatewayUrl: z.url({ protocol: /^(https?|wss?)$/ }),
  enrolledAt: IsoTimestamp,
});
export type Enrolment = z.infer<typeof Enrolment>;
