// What the till hands the printer to print a receipt: the committed sale plus what a person reads beside it.
import { z } from 'zod';
import { FenAmount, PointsAmount, SaleCommittedBody } from '@pos/protocol';

export const ReceiptMember = z.object({
  /** Shown as given when masked (138****8000); an unmasked number is masked by the layout. */
  maskedPhone: z.string().min(1).max(20),
  name: z.string().max(40).optional(),
  tierName: z.string().max(40).optional(),
  pointsBalance: PointsAmount,
  storedValueBalanceFen: FenAmount,
});
export type ReceiptMember = z.infer<typeof ReceiptMember>;

export const ReceiptInput = z.object({
  sale: SaleCommittedBody,
  store: z.object({
    name: z.string().min(1).max(60),
    address: z.string().max(120).optional(),
    phone: z.string().max(40).optional(),
  }),
  terminalName: z.string().min(1).max(40),
  cashierName: z.string().min(1).max(40),
  member: ReceiptMember.optional(),
  /** ASCII payload of the QR code (receipt lookup or e-invoice URL); defaults to the sale id. */
  qrContent: z.string().regex(/^[\x20-\x7e]{1,300}$/, 'expected 1 to 300 printable ASCII characters').optional(),
  footer: z.string().max(200).optional(),
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
});
export type ReceiptInput = z.input<typeof ReceiptInput>;
export type ParsedReceiptInput = z.output<typeof ReceiptInput>;
