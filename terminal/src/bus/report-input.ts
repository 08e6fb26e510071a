// A document that is not a sale (shift close 班结, totals) for the receipt printer: a title and rows, laid out by
// the printer driver for its paper width.
import { z } from 'zod';

export const ReportRow = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('heading'), text: z.string().min(1).max(60) }),
  /** Label on the left, value right-aligned. */
  z.object({ kind: z.literal('row'), left: z.string().max(60), right: z.string().max(30).optional() }),
  z.object({ kind: z.literal('rule') }),
]);
export type ReportRow = z.infer<typeof ReportRow>;

export const ReportInput = z.object({
  title: z.string().min(1).max(60),
  rows: z.array(ReportRow).max(400),
  footer: z.string().max(200).optional(),
});
export type ReportInput = z.infer<typeof ReportInput>;
