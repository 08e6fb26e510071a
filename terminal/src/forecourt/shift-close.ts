// Shift close (班结) at the forecourt kiosk: the totalizers of every pump are read at the start of a shift and at
// its end; the difference per nozzle is set against the fuel lines of the sales this till journaled in between,
// journaled as a `shiftClosed` event (synced to the gateway like a sale), printed, and the next shift starts from
// the end readings. The open shift lives in shift.json (atomic write, 0600) beside the store.
import { filter, firstValueFrom, timeout } from 'rxjs';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { FuelGrade, IsoTimestamp, NozzleTotalizer, Ulid, formatYuan, newId, type LocalizedText, type SaleCommittedBody, type ShiftClosedBody } from '@pos/protocol';
import type { DeviceBus } from '../bus/device-bus.js';
import { DeviceError, deviceErrorText } from '../bus/device-error.js';
import type { DeviceEvent } from '../bus/device-events.js';
import type { ReportInput, ReportRow } from '../bus/report-input.js';
import { businessDateOf, type Clock } from '../checkout/clock.js';
import { SecureJsonFile } from '../config/secure-json-file.js';
import type { LocalStore } from '../store/local-store.js';
import { formatLitres } from './kiosk-view.js';
import { ShiftReportError, shiftFigures, type PumpReading } from './shift-report.js';

const OpenShift = z.object({
  shiftId: Ulid,
  openedAt: IsoTimestamp,
  /** Sales journaled after this sequence number belong to the shift. */
  afterJournalSeq: z.number().int().min(0),
  readings: z.array(z.object({ pumpNo: z.number().int().min(1).max(99), totalizers: z.array(NozzleTotalizer).max(9) })).max(99),
});
export type OpenShift = z.infer<typeof OpenShift>;

export type ShiftErrorCode = 'SHIFT_ALREADY_OPEN' | 'NO_OPEN_SHIFT' | 'NO_PUMPS' | 'TOTALIZERS_UNREADABLE' | ShiftReportError['code'];

const TEXT: Record<ShiftErrorCode, LocalizedText> = {
  SHIFT_ALREADY_OPEN: { zh: '当前班次已开始', en: 'A shift is already open' },
  NO_OPEN_SHIFT: { zh: '没有进行中的班次，请先开班', en: 'No shift is open; open one first' },
  NO_PUMPS: { zh: '没有可读取的油机', en: 'No pumps to read' },
  TOTALIZERS_UNREADABLE: { zh: '油机泵码读取失败', en: 'Could not read the pump totalizers' },
  NOZZLE_NOT_READ: { zh: '有油枪缺少开班泵码', en: 'A nozzle has no reading at the start of the shift' },
  TOTALIZER_WENT_BACK: { zh: '泵码小于开班读数', en: 'A totalizer is below its start reading' },
};

export class ShiftError extends Error {
  override readonly name = 'ShiftError';
  readonly text: LocalizedText;
  constructor(
    readonly code: ShiftErrorCode,
    detail?: string,
    text?: LocalizedText,
  ) {
    super(detail ? `${TEXT[code].en}: ${detail}` : TEXT[code].en);
    this.text = text ?? TEXT[code];
  }
}

export interface ShiftCloseOptions {
  bus: DeviceBus;
  store: LocalStore;
  /** shift.json: the open shift. */
  file: string;
  identity: { storeId: string; terminalId: string; cashierId?: string };
  clock: Clock;
  /** The pumps to read (those the controller reported). */
  pumpNos: () => number[];
  isOnline?: () => boolean;
  timeZone?: string;
  language?: 'zh-CN' | 'en';
  readTimeoutMs?: number;
  logger?: Logger;
}

/** Journal entries read per page while collecting a shift's sales. */
const JOURNAL_PAGE = 200;

export class ShiftClose {
  private readonly file: SecureJsonFile<typeof OpenShift>;
  private readonly log: Logger;

  constructor(private readonly options: ShiftCloseOptions) {
    this.file = new SecureJsonFile(options.file, OpenShift);
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ module: 'terminal/shift-close' });
  }

  async current(): Promise<OpenShift | null> {
    return this.file.read();
  }

  /** Opens a shift on the totalizers as they read now; sales from here on count for it. */
  async open(): Promise<OpenShift> {
    if (await this.file.read()) throw new ShiftError('SHIFT_ALREADY_OPEN');
    const readings = await this.readAll();
    let afterJournalSeq = 0;
    for (;;) {
      const page = this.options.store.journal.journalAfter(afterJournalSeq, JOURNAL_PAGE);
      if (page.length === 0) break;
      afterJournalSeq = page[page.length - 1]!.journalSeq;
    }
    const nowMs = this.options.clock.nowMs();
    const shift: OpenShift = { shiftId: newId(nowMs), openedAt: new Date(nowMs).toISOString(), afterJournalSeq, readings };
    await this.file.write(shift);
    this.log.info({ shiftId: shift.shiftId, afterJournalSeq }, 'shift opened');
    return shift;
  }

  /**
   * Closes the open shift: reads every pump, journals `shiftClosed`, prints the report, opens the next shift on
   * the end readings. A close journaled before a crash (shift.json not yet moved on) is found and not repeated.
   */
  async close(): Promise<ShiftClosedBody> {
    const shift = await this.file.read();
    if (!shift) throw new ShiftError('NO_OPEN_SHIFT');
    const sales: SaleCommittedBody[] = [];
    let seq = shift.afterJournalSeq;
    for (;;) {
      const page = this.options.store.journal.journalAfter(seq, JOURNAL_PAGE);
      if (page.length === 0) break;
      for (const entry of page) {
        if (entry.type === 'saleCommitted') sales.push(entry.body as SaleCommittedBody);
        if (entry.type === 'shiftClosed' && (entry.body as ShiftClosedBody).shiftId === shift.shiftId) {
          const done = entry.body as ShiftClosedBody;
          await this.moveOn(done, entry.journalSeq);
          return done;
        }
      }
      seq = page[page.length - 1]!.journalSeq;
    }
    const end = await this.readAll();
    let figures;
    try {
      figures = shiftFigures(shift.readings, end, sales);
    } catch (error) {
      if (error instanceof ShiftReportError) throw new ShiftError(error.code, error.message);
      throw error;
    }
    const nowMs = this.options.clock.nowMs();
    const closedAt = new Date(nowMs).toISOString();
    const id = this.options.identity;
    const body: ShiftClosedBody = {
      eventId: newId(nowMs),
      storeId: id.storeId,
      terminalId: id.terminalId,
      occurredAt: closedAt,
      businessDate: businessDateOf(nowMs, this.options.timeZone ?? 'Asia/Shanghai'),
      offline: !(this.options.isOnline?.() ?? false),
      ...(id.cashierId ? { cashierId: id.cashierId } : {}),
      shiftId: shift.shiftId,
      openedAt: shift.openedAt,
      closedAt,
      ...figures,
    };
    const entry = this.options.store.commitShiftClosed(body);
    await this.moveOn(body, entry.journalSeq, end);
    try {
      const report = shiftReportDocument(body, this.options.language ?? 'zh-CN', this.options.timeZone ?? 'Asia/Shanghai');
      await this.options.bus.send({ type: 'printReport', jobId: body.shiftId, report });
    } catch (error) {
      // journaled and synced regardless; the attendant can print it again from the journal
      this.log.error({ shiftId: body.shiftId, err: error instanceof Error ? error.message : String(error) }, 'shift report not printed');
    }
    return body;
  }

  private async moveOn(closed: ShiftClosedBody, journalSeq: number, end?: PumpReading[]): Promise<void> {
    const readings = end ?? regroup(closed);
    const nowMs = this.options.clock.nowMs();
    await this.file.write({ shiftId: newId(nowMs), openedAt: closed.closedAt, afterJournalSeq: journalSeq, readings });
  }

  private async readAll(): Promise<PumpReading[]> {
    const pumpNos = this.options.pumpNos();
    if (pumpNos.length === 0) throw new ShiftError('NO_PUMPS');
    const out: PumpReading[] = [];
    for (const pumpNo of pumpNos) {
      const reading = firstValueFrom(
        this.options.bus.events$.pipe(
          filter((e): e is Extract<DeviceEvent, { type: 'pumpTotalizers' }> => e.type === 'pumpTotalizers' && e.pumpNo === pumpNo),
          timeout(this.options.readTimeoutMs ?? 5_000),
        ),
      );
      reading.catch(() => undefined);
      try {
        await this.options.bus.send({ type: 'readTotalizers', pumpNo });
        out.push({ pumpNo, totalizers: (await reading).totalizers });
      } catch (error) {
        const code = error instanceof DeviceError ? error.code : undefined;
        throw new ShiftError('TOTALIZERS_UNREADABLE', `pump ${pumpNo}: ${code ?? String(error)}`, code ? deviceErrorText(code) : undefined);
      }
    }
    return out;
  }
}

/** The end readings of a journaled close, as readings for the next shift. */
function regroup(closed: ShiftClosedBody): PumpReading[] {
  const byPump = new Map<number, PumpReading['totalizers'][number][]>();
  for (const n of closed.nozzles) {
    const list = byPump.get(n.pumpNo) ?? [];
    // the amount totalizer is not needed to close a shift; the volume one is
    list.push({ nozzleNo: n.nozzleNo, grade: n.grade, volumeMilliLitre: n.endMilliLitre, amountFen: 0 });
    byPump.set(n.pumpNo, list);
  }
  return [...byPump].map(([pumpNo, totalizers]) => ({ pumpNo, totalizers }));
}

const GRADE_NAME: Record<'zh-CN' | 'en', Record<FuelGrade, string>> = {
  'zh-CN': { '92': '92#汽油', '95': '95#汽油', '98': '98#汽油', '0': '0#柴油' },
  en: { '92': 'Petrol 92#', '95': 'Petrol 95#', '98': 'Petrol 98#', '0': 'Diesel 0#' },
};

/** A signed millilitre difference as litres: -1234 → "-1.234". */
function signedLitres(milliLitre: number): string {
  return `${milliLitre < 0 ? '-' : ''}${formatLitres(Math.abs(milliLitre))}`;
}

/** The printed shift report: per nozzle start/end/pumped/sold/difference, then per grade. */
export function shiftReportDocument(s: ShiftClosedBody, language: 'zh-CN' | 'en', timeZone: string): ReportInput {
  // the store's wall clock, e.g. 2026-11-25 10:00:00 (sv-SE formats as ISO date and 24 h time)
  const local = (iso: string) => new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(Date.parse(iso));
  const zh = language === 'zh-CN';
  const L = zh
    ? { title: '班结报表', opened: '开班', closed: '结班', nozzle: '油枪', start: '  起码', end: '  止码', pumped: '  泵出(升)', sold: '  销售(升)', diff: '  差额(升)', byGrade: '按油品', amount: '  销售金额', sales: '加油笔数', incomplete: '中断结算', footer: '泵码与销售流水核对，单位：升' }
    : { title: 'Shift close', opened: 'Opened', closed: 'Closed', nozzle: 'Nozzle', start: '  Start', end: '  End', pumped: '  Pumped (L)', sold: '  Sold (L)', diff: '  Difference (L)', byGrade: 'By grade', amount: '  Sales', sales: 'Fuel sales', incomplete: 'Cut-short lines', footer: 'Totalizers against the sales journal, in litres' };
  const rows: ReportRow[] = [
    { kind: 'row', left: L.opened, right: local(s.openedAt) },
    { kind: 'row', left: L.closed, right: local(s.closedAt) },
    { kind: 'rule' },
  ];
  for (const n of s.nozzles) {
    rows.push({ kind: 'heading', text: `${L.nozzle} ${n.pumpNo}-${n.nozzleNo} ${GRADE_NAME[language][n.grade]}` });
    rows.push({ kind: 'row', left: L.start, right: formatLitres(n.startMilliLitre) });
    rows.push({ kind: 'row', left: L.end, right: formatLitres(n.endMilliLitre) });
    rows.push({ kind: 'row', left: L.pumped, right: formatLitres(n.pumpedMilliLitre) });
    rows.push({ kind: 'row', left: L.sold, right: formatLitres(n.soldMilliLitre) });
    rows.push({ kind: 'row', left: L.diff, right: signedLitres(n.differenceMilliLitre) });
  }
  rows.push({ kind: 'rule' }, { kind: 'heading', text: L.byGrade });
  for (const g of s.grades) {
    rows.push({ kind: 'heading', text: GRADE_NAME[language][g.grade] });
    rows.push({ kind: 'row', left: L.pumped, right: formatLitres(g.pumpedMilliLitre) });
    rows.push({ kind: 'row', left: L.sold, right: formatLitres(g.soldMilliLitre) });
    rows.push({ kind: 'row', left: L.diff, right: signedLitres(g.differenceMilliLitre) });
    rows.push({ kind: 'row', left: L.amount, right: formatYuan(g.soldAmountFen) });
  }
  rows.push({ kind: 'rule' }, { kind: 'row', left: L.sales, right: String(s.fuelSaleCount) }, { kind: 'row', left: L.incomplete, right: String(s.incompleteLineCount) });
  return { title: L.title, rows, footer: L.footer };
}
