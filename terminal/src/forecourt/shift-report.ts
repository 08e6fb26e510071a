// Shift close (班结) arithmetic, pure: per nozzle the totalizer at the end minus at the start (what was pumped)
// against the fuel lines of the sales journaled in the shift (what was sold), to the millilitre, and per grade.
import type { FuelGrade, NozzleTotalizer, SaleCommittedBody, ShiftGrade, ShiftNozzle } from '@pos/protocol';

export interface PumpReading {
  pumpNo: number;
  totalizers: NozzleTotalizer[];
}

export type ShiftReportErrorCode = 'NOZZLE_NOT_READ' | 'TOTALIZER_WENT_BACK';

export class ShiftReportError extends Error {
  override readonly name = 'ShiftReportError';
  constructor(
    readonly code: ShiftReportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ShiftFigures {
  nozzles: ShiftNozzle[];
  grades: ShiftGrade[];
  fuelSaleCount: number;
  incompleteLineCount: number;
}

const GRADE_ORDER: readonly FuelGrade[] = ['92', '95', '98', '0'];

/**
 * pumped = end − start per nozzle (totalizers only grow: a smaller end is TOTALIZER_WENT_BACK); sold = Σ of the
 * volumes (quantityMilli) of the fuel lines for that pump and nozzle; difference = pumped − sold. Nozzles are
 * listed by pump then nozzle; grades in the order 92, 95, 98, 0 (those present).
 */
export function shiftFigures(start: readonly PumpReading[], end: readonly PumpReading[], sales: readonly SaleCommittedBody[]): ShiftFigures {
  const sold = new Map<string, { milliLitre: number; amountFen: number }>();
  let fuelSaleCount = 0;
  let incompleteLineCount = 0;
  for (const sale of sales) {
    let hasFuel = false;
    for (const line of sale.lines) {
      if (!line.fuel) continue;
      hasFuel = true;
      if (line.fuel.incomplete) incompleteLineCount += 1;
      const k = `${line.fuel.pumpNo}/${line.fuel.nozzleNo}`;
      const s = sold.get(k) ?? { milliLitre: 0, amountFen: 0 };
      s.milliLitre += line.quantityMilli;
      s.amountFen += line.grossFen;
      sold.set(k, s);
    }
    if (hasFuel) fuelSaleCount += 1;
  }
  const startOf = new Map<string, NozzleTotalizer>();
  for (const p of start) for (const t of p.totalizers) startOf.set(`${p.pumpNo}/${t.nozzleNo}`, t);

  const nozzles: ShiftNozzle[] = [];
  for (const p of [...end].sort((a, b) => a.pumpNo - b.pumpNo)) {
    for (const t of [...p.totalizers].sort((a, b) => a.nozzleNo - b.nozzleNo)) {
      const k = `${p.pumpNo}/${t.nozzleNo}`;
      const s = startOf.get(k);
      if (!s) throw new ShiftReportError('NOZZLE_NOT_READ', `pump ${p.pumpNo} nozzle ${t.nozzleNo} has no reading at the start of the shift`);
      const pumpedMilliLitre = t.volumeMilliLitre - s.volumeMilliLitre;
      if (pumpedMilliLitre < 0) throw new ShiftReportError('TOTALIZER_WENT_BACK', `pump ${p.pumpNo} nozzle ${t.nozzleNo}: ${t.volumeMilliLitre} < ${s.volumeMilliLitre} mL`);
      const x = sold.get(k) ?? { milliLitre: 0, amountFen: 0 };
      nozzles.push({
        pumpNo: p.pumpNo,
        nozzleNo: t.nozzleNo,
        grade: t.grade,
        startMilliLitre: s.volumeMilliLitre,
        endMilliLitre: t.volumeMilliLitre,
        pumpedMilliLitre,
        soldMilliLitre: x.milliLitre,
        differenceMilliLitre: pumpedMilliLitre - x.milliLitre,
        soldAmountFen: x.amountFen,
      });
    }
  }
  // fuel sold on a nozzle the end reading does not list still counts against its grade (never silently dropped)
  const listed = new Set(nozzles.map((n) => `${n.pumpNo}/${n.nozzleNo}`));
  for (const sale of sales) {
    for (const line of sale.lines) {
      const f = line.fuel;
      if (!f || listed.has(`${f.pumpNo}/${f.nozzleNo}`)) continue;
      throw new ShiftReportError('NOZZLE_NOT_READ', `pump ${f.pumpNo} nozzle ${f.nozzleNo} sold fuel but was not read`);
    }
  }
  const grades: ShiftGrade[] = [];
  for (const grade of GRADE_ORDER) {
    const of = nozzles.filter((n) => n.grade === grade);
    if (of.length === 0) continue;
    const sum = (pick: (n: ShiftNozzle) => number) => of.reduce((acc, n) => acc + pick(n), 0);
    grades.push({
      grade,
      pumpedMilliLitre: sum((n) => n.pumpedMilliLitre),
      soldMilliLitre: sum((n) => n.soldMilliLitre),
      differenceMilliLitre: sum((n) => n.differenceMilliLitre),
      soldAmountFen: sum((n) => n.soldAmountFen),
    });
  }
  return { nozzles, grades, fuelSaleCount, incompleteLineCount };
}
