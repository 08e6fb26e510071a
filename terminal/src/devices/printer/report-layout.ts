// Lays out a report (shift close and the like) as printer blocks for 58 mm or 80 mm paper.
import { ReportInput } from '../../bus/report-input.js';
import { COLUMNS, type PaperWidth, type ReceiptBlock } from './receipt-layout.js';
import { twoColumns, wrapColumns } from './text-columns.js';

export function layoutReport(input: ReportInput, options: { paperWidth: PaperWidth; reprint?: boolean }): ReceiptBlock[] {
  const report = ReportInput.parse(input);
  const width = COLUMNS[options.paperWidth];
  const blocks: ReceiptBlock[] = [];
  if (options.reprint) blocks.push({ kind: 'text', text: '** 重打 / REPRINT **', align: 'center', bold: true });
  for (const line of wrapColumns(report.title, width)) blocks.push({ kind: 'text', text: line, align: 'center', bold: true, doubleHeight: true });
  for (const row of report.rows) {
    if (row.kind === 'rule') blocks.push({ kind: 'text', text: '-'.repeat(width), align: 'left' });
    else if (row.kind === 'heading') for (const line of wrapColumns(row.text, width)) blocks.push({ kind: 'text', text: line, align: 'left', bold: true });
    else if (row.right === undefined) for (const line of wrapColumns(row.left, width)) blocks.push({ kind: 'text', text: line, align: 'left' });
    else for (const line of twoColumns(row.left, row.right, width)) blocks.push({ kind: 'text', text: line, align: 'left' });
  }
  if (report.footer) for (const line of wrapColumns(report.footer, width)) blocks.push({ kind: 'text', text: line, align: 'center' });
  blocks.push({ kind: 'cut' });
  return blocks;
}
