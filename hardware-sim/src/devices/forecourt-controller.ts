// A virtual forecourt controller speaking pos-forecourt/1: N pumps with nozzles and grades, flow sampled on a
// timer, presets, price changes for the next transaction, growing totalizers, emergency stop and faults.
import { EventEmitter } from 'node:events';
import {
  FORECOURT_MAX_FRAME_BYTES,
  PUMP_TRANSITIONS,
  encodeForecourtFrame,
  parseForecourtRequest,
  type ForecourtErrorCode,
  type ForecourtMessage,
  type ForecourtRequest,
  type FuelGrade,
  type NozzleTotalizer,
  type Preset,
  type PumpState,
  type PumpStatus,
  type PumpTransactionFigures,
} from '@pos/protocol';
import { SimError } from '../sim-error.js';

/** amountFen = round_half_up(volumeMilliLitre × unitPriceFen / 1000), in integers. */
export function fuelAmountFen(volumeMilliLitre: number, unitPriceFen: number): number {
  return Math.floor((volumeMilliLitre * unitPriceFen + 500) / 1000);
}

/** The largest volume whose amount does not exceed amountFen (where an amount preset stops). */
export function maxVolumeForAmount(amountFen: number, unitPriceFen: number): number {
  return Math.floor((amountFen * 1000 + 499) / unitPriceFen);
}

export interface ForecourtNozzleConfig {
  nozzleNo: number;
  grade: FuelGrade;
}
export interface ForecourtPumpConfig {
  pumpNo: number;
  nozzles: ForecourtNozzleConfig[];
}

/** Timer seam, so a test can drive sampling by hand; real timers by default. */
export interface SampleScheduler {
  every(intervalMs: number, run: () => void): { cancel(): void };
}
const realScheduler: SampleScheduler = {
  every(intervalMs, run) {
    const timer = setInterval(run, intervalMs);
    timer.unref();
    return { cancel: () => clearInterval(timer) };
  },
};

export interface ForecourtControllerOptions {
  pumps: ForecourtPumpConfig[];
  pricesFen: Record<FuelGrade, number>;
  /** Real time between two flow samples (and two live pumpStatus notifications). */
  sampleMs?: number;
  /** Simulated seconds per real second: 60 makes a 40-litre fill take about a second of sampling at 30 L/min. */
  speedFactor?: number;
  /** Flow rate range in millilitres per minute; each transaction draws one rate in it. */
  flowMilliLitrePerMin?: { min: number; max: number };
  /** Tank room for a "full" preset: the nozzle's automatic shut-off trips after this much. */
  fullTankMilliLitre?: { min: number; max: number };
  /** Largest volume preset a pump accepts. */
  maxPresetMilliLitre?: number;
  /** Deterministic randomness for flow rates and tank sizes; Math.random when absent. */
  random?: () => number;
  scheduler?: SampleScheduler;
}

interface Transaction {
  figures: PumpTransactionFigures;
  flowMilliLitrePerMin: number;
  limitMilliLitre: number;
  /** Fractional millilitres carried between samples so the rate stays exact over time. */
  carryMicroLitre: number;
}

interface Pump {
  pumpNo: number;
  nozzles: Map<number, { grade: FuelGrade; totalMilliLitre: number; totalFen: number }>;
  state: PumpState;
  liftedNozzle: number | null;
  authorization: { nozzleNo: number | null; preset: Preset; pricesFen: Record<FuelGrade, number> } | null;
  transaction: Transaction | null;
  /** What the pump was doing when it went offline, to resume sensibly when it answers again. */
  stateBeforeOffline: PumpState | null;
  errorCode: string | null;
  /** The till settling the current transaction; cleared when the transaction is closed or unlocked. */
  lockedBy: string | null;
}

export interface ForecourtSession {
  /** Bytes from the terminal; complete lines are answered at once. */
  write(chunk: Uint8Array): void;
  close(): void;
}

export interface ForecourtControllerEvents {
  status: [PumpStatus];
  /** A transaction reached finished (preset, hang-up, emergency stop or recovery). */
  finished: [PumpTransactionFigures & { pumpNo: number }];
  badFrame: [string];
}

const MAX_SESSIONS = 8;

export class ForecourtController extends EventEmitter<ForecourtControllerEvents> {
  private readonly pumps = new Map<number, Pump>();
  private pricesFen: Record<FuelGrade, number>;
  private readonly sampleMs: number;
  private readonly speedFactor: number;
  private readonly flow: { min: number; max: number };
  private readonly fullTank: { min: number; max: number };
  private readonly maxPresetMilliLitre: number;
  private readonly random: () => number;
  private readonly sessions = new Set<(bytes: Buffer) => void>();
  private sampling: { cancel(): void } | null = null;
  private transactionSeq = 0;
  /** When true the controller reads requests but answers nothing and notifies nothing (a hung link). */
  private silent = false;

  constructor(options: ForecourtControllerOptions) {
    super();
    if (options.pumps.length === 0 || options.pumps.length > 99) throw new SimError('CONFIG_INVALID', 'a forecourt has 1 to 99 pumps');
    for (const p of options.pumps) {
      if (this.pumps.has(p.pumpNo)) throw new SimError('CONFIG_INVALID', `pump ${p.pumpNo} twice`);
      this.pumps.set(p.pumpNo, {
        pumpNo: p.pumpNo,
        nozzles: new Map(p.nozzles.map((n) => [n.nozzleNo, { grade: n.grade, totalMilliLitre: 0, totalFen: 0 }])),
        state: 'idle',
        liftedNozzle: null,
        authorization: null,
        transaction: null,
        stateBeforeOffline: null,
        errorCode: null,
        lockedBy: null,
      });
    }
    this.pricesFen = { ...options.pricesFen };
    this.sampleMs = options.sampleMs ?? 500;
    this.speedFactor = options.speedFactor ?? 1;
    this.flow = options.flowMilliLitrePerMin ?? { min: 30_000, max: 40_000 };
    this.fullTank = options.fullTankMilliLitre ?? { min: 25_000, max: 60_000 };
    this.maxPresetMilliLitre = options.maxPresetMilliLitre ?? 999_000;
    this.random = options.random ?? Math.random;
    this.sampling = (options.scheduler ?? realScheduler).every(this.sampleMs, () => this.sample());
  }

  /** Millilitres one sampling step delivers at the given flow rate (the preset accuracy bound). */
  stepMilliLitre(flowMilliLitrePerMin: number): number {
    return Math.ceil((flowMilliLitrePerMin * this.sampleMs * this.speedFactor) / 60_000);
  }

  get prices(): Record<FuelGrade, number> {
    return { ...this.pricesFen };
  }

  status(pumpNo: number): PumpStatus {
    return this.statusOf(this.pump(pumpNo));
  }

  statuses(): PumpStatus[] {
    return [...this.pumps.values()].map((p) => this.statusOf(p));
  }

  totalizers(pumpNo: number): NozzleTotalizer[] {
    return [...this.pump(pumpNo).nozzles].map(([nozzleNo, n]) => ({ nozzleNo, grade: n.grade, volumeMilliLitre: n.totalMilliLitre, amountFen: n.totalFen }));
  }

  /** The nozzle now out of its holster, if any. */
  liftedNozzle(pumpNo: number): number | null {
    return this.pump(pumpNo).liftedNozzle;
  }

  /** The driver lifts a nozzle: an idle pump calls, a pre-authorised one starts delivering. */
  liftNozzle(pumpNo: number, nozzleNo: number): void {
    const pump = this.pump(pumpNo);
    if (!pump.nozzles.has(nozzleNo)) throw new SimError('BAD_INPUT', `pump ${pumpNo} has no nozzle ${nozzleNo}`);
    if (pump.liftedNozzle !== null) throw new SimError('BAD_INPUT', `pump ${pumpNo} nozzle ${pump.liftedNozzle} is already lifted`);
    if (pump.state === 'idle') {
      pump.liftedNozzle = nozzleNo;
      this.move(pump, 'calling');
    } else if (pump.state === 'authorized') {
      const wanted = pump.authorization?.nozzleNo ?? null;
      if (wanted !== null && wanted !== nozzleNo) throw new SimError('BAD_INPUT', `pump ${pumpNo} is authorised for nozzle ${wanted}`);
      pump.liftedNozzle = nozzleNo;
      this.notify(pump); // flow starts at the next sample
    } else if (pump.state === 'offline' || pump.state === 'error') {
      throw new SimError('BAD_INPUT', `pump ${pumpNo} is ${pump.state}`);
    } else {
      pump.liftedNozzle = nozzleNo;
      this.notify(pump);
    }
  }

  /** The driver hangs the nozzle up: a delivery in progress finishes with what was delivered. */
  hangUpNozzle(pumpNo: number): void {
    const pump = this.pump(pumpNo);
    if (pump.liftedNozzle === null) throw new SimError('BAD_INPUT', `pump ${pumpNo} has no nozzle lifted`);
    pump.liftedNozzle = null;
    if (pump.state === 'calling') this.move(pump, 'idle');
    else if (pump.state === 'fueling' || pump.state === 'paused') this.finish(pump);
    else this.notify(pump);
  }

  /** Fault: the pump stops answering the controller (power or cable); delivery stops with the last figures. */
  pumpOffline(pumpNo: number): void {
    const pump = this.pump(pumpNo);
    if (pump.state === 'offline') return;
    pump.stateBeforeOffline = pump.state;
    this.move(pump, 'offline');
  }

  /** The pump answers again; an interrupted delivery is over and awaits payment with its last figures. */
  pumpOnline(pumpNo: number): void {
    const pump = this.pump(pumpNo);
    if (pump.state !== 'offline') return;
    const before = pump.stateBeforeOffline ?? 'idle';
    pump.stateBeforeOffline = null;
    if (before === 'fueling' || before === 'paused' || before === 'finished') {
      pump.liftedNozzle = null;
      this.finish(pump);
    } else {
      pump.authorization = null;
      pump.liftedNozzle = null;
      this.move(pump, 'idle');
    }
  }

  /** Fault: the pump reports an error code; a delivery stops with its figures kept. */
  pumpFault(pumpNo: number, errorCode: string): void {
    const pump = this.pump(pumpNo);
    pump.errorCode = errorCode.slice(0, 64);
    this.move(pump, 'error');
  }

  clearFault(pumpNo: number): void {
    const pump = this.pump(pumpNo);
    if (pump.state !== 'error') return;
    pump.errorCode = null;
    if (pump.transaction) this.finish(pump);
    else {
      pump.authorization = null;
      this.move(pump, 'idle');
    }
  }

  /** Fault: communication loss; requests are read and dropped, no notifications go out. */
  setSilent(silent: boolean): void {
    this.silent = silent;
  }

  /** Fault: line noise; raw bytes go to every connected terminal as they are. */
  injectNoise(bytes: Uint8Array): void {
    for (const send of this.sessions) send(Buffer.from(bytes));
  }

  openSession(send: (bytes: Buffer) => void): ForecourtSession {
    if (this.sessions.size >= MAX_SESSIONS) throw new SimError('BAD_INPUT', `at most ${MAX_SESSIONS} connections`);
    this.sessions.add(send);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let discarding = false;
    const reply = (frame: ForecourtMessage): void => {
      if (!this.silent) send(Buffer.from(encodeForecourtFrame(frame), 'utf8'));
    };
    return {
      write: (chunk) => {
        let start = 0;
        const bytes = Buffer.from(chunk);
        for (;;) {
          const lf = bytes.indexOf(0x0a, start);
          if (lf < 0) break;
          const piece = bytes.subarray(start, lf);
          start = lf + 1;
          if (discarding) {
            discarding = false;
            pending = [];
            pendingBytes = 0;
            continue;
          }
          const line = Buffer.concat([...pending, piece]).toString('utf8').replace(/\r$/, '');
          pending = [];
          pendingBytes = 0;
          if (line.trim() === '') continue;
          reply(this.handleLine(line));
        }
        const rest = bytes.subarray(start);
        if (rest.length === 0 || discarding) return;
        if (pendingBytes + rest.length > FORECOURT_MAX_FRAME_BYTES) {
          // An overlong line is dropped up to its LF, and answered once, like any bad frame.
          discarding = true;
          pending = [];
          pendingBytes = 0;
          this.emit('badFrame', `frame exceeds ${FORECOURT_MAX_FRAME_BYTES} bytes`);
          reply({ id: 0, type: 'error', code: 'BAD_FRAME', message: `frame exceeds ${FORECOURT_MAX_FRAME_BYTES} bytes` });
          return;
        }
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      },
      close: () => {
        this.sessions.delete(send);
      },
    };
  }

  /** Answers one request line; never throws. */
  handleLine(line: string): ForecourtMessage {
    const parsed = parseForecourtRequest(line);
    if (!parsed.ok) {
      this.emit('badFrame', parsed.message);
      return { id: requestIdOf(line), type: 'error', code: 'BAD_FRAME', message: parsed.message };
    }
    const request = parsed.value;
    try {
      return { id: request.id, type: 'result', data: this.execute(request) };
    } catch (error) {
      if (error instanceof RefusalError) return { id: request.id, type: 'error', code: error.code, message: error.message };
      return { id: request.id, type: 'error', code: 'BAD_FRAME', message: error instanceof Error ? error.message.slice(0, 500) : 'failed' };
    }
  }

  dispose(): void {
    this.sampling?.cancel();
    this.sampling = null;
    this.sessions.clear();
  }

  private execute(request: ForecourtRequest): Extract<ForecourtMessage, { type: 'result' }>['data'] {
    switch (request.type) {
      case 'getStatus':
        return { pumps: request.data.pumpNo === undefined ? this.statuses() : [this.statusOf(this.known(request.data.pumpNo))] };
      case 'authorize': {
        const pump = this.known(request.data.pumpNo);
        if (pump.state === 'offline') throw new RefusalError('PUMP_OFFLINE', `pump ${pump.pumpNo} is offline`);
        if (pump.state !== 'idle' && pump.state !== 'calling') throw new RefusalError('PUMP_BUSY', `pump ${pump.pumpNo} is ${pump.state}`);
        const nozzleNo = request.data.nozzleNo ?? null;
        if (nozzleNo !== null && !pump.nozzles.has(nozzleNo)) throw new RefusalError('INVALID_PRESET', `pump ${pump.pumpNo} has no nozzle ${nozzleNo}`);
        if (nozzleNo !== null && pump.liftedNozzle !== null && pump.liftedNozzle !== nozzleNo) {
          throw new RefusalError('INVALID_PRESET', `nozzle ${pump.liftedNozzle} is lifted, not ${nozzleNo}`);
        }
        const preset = request.data.preset;
        if (preset.kind === 'volume' && preset.volumeMilliLitre > this.maxPresetMilliLitre) {
          throw new RefusalError('INVALID_PRESET', `volume preset above ${this.maxPresetMilliLitre} mL`);
        }
        if (preset.kind === 'amount') {
          const dearestFen = Math.max(...[...pump.nozzles.values()].map((n) => this.pricesFen[n.grade]));
          if (maxVolumeForAmount(preset.amountFen, dearestFen) < 1) throw new RefusalError('INVALID_PRESET', 'amount preset buys no fuel');
        }
        pump.authorization = { nozzleNo, preset, pricesFen: { ...this.pricesFen } };
        this.move(pump, 'authorized');
        return { pumps: [this.statusOf(pump)] };
      }
      case 'stop': {
        const pump = this.known(request.data.pumpNo);
        if (pump.state === 'offline') throw new RefusalError('PUMP_OFFLINE', `pump ${pump.pumpNo} is offline`);
        if (pump.state === 'fueling') this.move(pump, 'paused');
        else if (pump.state === 'authorized') {
          pump.authorization = null;
          this.move(pump, 'idle');
        } else if (pump.state !== 'paused') throw new RefusalError('NOT_AUTHORIZED', `pump ${pump.pumpNo} is ${pump.state}, nothing to stop`);
        return { pumps: [this.statusOf(pump)] };
      }
      case 'resume': {
        const pump = this.known(request.data.pumpNo);
        if (pump.state === 'offline') throw new RefusalError('PUMP_OFFLINE', `pump ${pump.pumpNo} is offline`);
        if (pump.state !== 'paused') throw new RefusalError('NOT_AUTHORIZED', `pump ${pump.pumpNo} is ${pump.state}, not paused`);
        this.move(pump, 'fueling');
        return { pumps: [this.statusOf(pump)] };
      }
      case 'emergencyStop': {
        for (const pump of this.pumps.values()) {
          if (pump.state === 'fueling' || pump.state === 'paused') this.finish(pump);
          else if (pump.state === 'authorized') {
            pump.authorization = null;
            this.move(pump, 'idle');
          }
        }
        return { pumps: this.statuses() };
      }
      case 'setPrices': {
        for (const p of request.data.prices) this.pricesFen[p.grade] = p.unitPriceFen;
        return {};
      }
      case 'readTotalizers': {
        const pump = this.known(request.data.pumpNo);
        if (pump.state === 'offline') throw new RefusalError('PUMP_OFFLINE', `pump ${pump.pumpNo} is offline`);
        return { totalizers: this.totalizers(pump.pumpNo) };
      }
      case 'closeTransaction': {
        const pump = this.known(request.data.pumpNo);
        const current = pump.transaction?.figures.transactionId;
        if (current !== request.data.transactionId) {
          throw new RefusalError('UNKNOWN_TRANSACTION', `pump ${pump.pumpNo} has no open transaction ${request.data.transactionId}`);
        }
        if (pump.lockedBy !== null && pump.lockedBy !== request.data.tillId) {
          throw new RefusalError('TRANSACTION_LOCKED', `transaction ${current} is being settled by ${pump.lockedBy}`);
        }
        if (pump.state === 'offline') throw new RefusalError('PUMP_OFFLINE', `pump ${pump.pumpNo} is offline`);
        if (pump.state !== 'finished') throw new RefusalError('NOT_FINISHED', `transaction ${current} is ${pump.state}`);
        pump.transaction = null;
        pump.lockedBy = null;
        pump.authorization = null;
        this.move(pump, 'idle');
        if (pump.liftedNozzle !== null) this.move(pump, 'calling');
        return { pumps: [this.statusOf(pump)] };
      }
      case 'lockTransaction': {
        const pump = this.known(request.data.pumpNo);
        const current = pump.transaction?.figures.transactionId;
        if (current !== request.data.transactionId) {
          throw new RefusalError('UNKNOWN_TRANSACTION', `pump ${pump.pumpNo} has no open transaction ${request.data.transactionId}`);
        }
        if (pump.lockedBy !== null && pump.lockedBy !== request.data.tillId) {
          throw new RefusalError('TRANSACTION_LOCKED', `transaction ${current} is being settled by ${pump.lockedBy}`);
        }
        // finished, or cut short by offline/error: then it is settled from the last figures reported
        if (pump.state !== 'finished' && pump.state !== 'offline' && pump.state !== 'error') {
          throw new RefusalError('NOT_FINISHED', `transaction ${current} is ${pump.state}`);
        }
        if (pump.lockedBy !== request.data.tillId) {
          pump.lockedBy = request.data.tillId;
          this.notify(pump);
        }
        return { pumps: [this.statusOf(pump)] };
      }
      case 'unlockTransaction': {
        const pump = this.known(request.data.pumpNo);
        const current = pump.transaction?.figures.transactionId;
        if (current !== request.data.transactionId) {
          throw new RefusalError('UNKNOWN_TRANSACTION', `pump ${pump.pumpNo} has no open transaction ${request.data.transactionId}`);
        }
        if (pump.lockedBy !== null && pump.lockedBy !== request.data.tillId) {
          throw new RefusalError('TRANSACTION_LOCKED', `transaction ${current} is being settled by ${pump.lockedBy}`);
        }
        if (pump.lockedBy !== null) {
          pump.lockedBy = null;
          this.notify(pump);
        }
        return { pumps: [this.statusOf(pump)] };
      }
    }
  }

  /** One sampling step for every pump: start authorised flows, deliver, stop at presets. */
  private sample(): void {
    for (const pump of this.pumps.values()) {
      if (pump.state === 'authorized' && pump.liftedNozzle !== null && pump.authorization) this.startTransaction(pump);
      if (pump.state === 'fueling' && pump.transaction) this.deliver(pump, pump.transaction);
    }
  }

  private startTransaction(pump: Pump): void {
    const auth = pump.authorization!;
    const nozzleNo = pump.liftedNozzle!;
    const grade = pump.nozzles.get(nozzleNo)!.grade;
    const unitPriceFen = auth.pricesFen[grade];
    const preset = auth.preset;
    const limitMilliLitre =
      preset.kind === 'volume'
        ? preset.volumeMilliLitre
        : preset.kind === 'amount'
          ? maxVolumeForAmount(preset.amountFen, unitPriceFen)
          : this.draw(this.fullTank);
    this.transactionSeq += 1;
    pump.transaction = {
      figures: {
        transactionId: `P${pump.pumpNo}-${String(this.transactionSeq).padStart(6, '0')}`,
        nozzleNo,
        grade,
        unitPriceFen,
        volumeMilliLitre: 0,
        amountFen: 0,
        preset,
      },
      flowMilliLitrePerMin: this.draw(this.flow),
      limitMilliLitre,
      carryMicroLitre: 0,
    };
    this.move(pump, 'fueling'); // flow starts: announced at 0 mL, so a tiny preset still shows fueling before finished
  }

  private deliver(pump: Pump, tx: Transaction): void {
    const microLitre = tx.flowMilliLitrePerMin * this.sampleMs * this.speedFactor * (1000 / 60_000) + tx.carryMicroLitre;
    let stepMilliLitre = Math.floor(microLitre / 1000);
    tx.carryMicroLitre = microLitre - stepMilliLitre * 1000;
    const f = tx.figures;
    // A real dispenser slows to a trickle before the preset and closes its valve on it.
    stepMilliLitre = Math.min(stepMilliLitre, tx.limitMilliLitre - f.volumeMilliLitre);
    const amountFen = fuelAmountFen(f.volumeMilliLitre + stepMilliLitre, f.unitPriceFen);
    const totals = pump.nozzles.get(f.nozzleNo)!;
    totals.totalMilliLitre += stepMilliLitre;
    totals.totalFen += amountFen - f.amountFen;
    f.volumeMilliLitre += stepMilliLitre;
    f.amountFen = amountFen;
    if (f.volumeMilliLitre >= tx.limitMilliLitre) this.finish(pump);
    else this.notify(pump);
  }

  private finish(pump: Pump): void {
    pump.authorization = null;
    this.move(pump, 'finished');
    if (pump.transaction) this.emit('finished', { pumpNo: pump.pumpNo, ...pump.transaction.figures });
  }

  private move(pump: Pump, to: PumpState): void {
    const from = pump.state;
    if (from !== to && !PUMP_TRANSITIONS[from].includes(to)) {
      // a bug in this simulator, never a terminal's fault: fail loudly
      throw new Error(`illegal pump transition ${from} → ${to} on pump ${pump.pumpNo}`);
    }
    pump.state = to;
    this.notify(pump);
  }

  private notify(pump: Pump): void {
    const status = this.statusOf(pump);
    this.emit('status', status);
    if (this.silent) return;
    const bytes = Buffer.from(encodeForecourtFrame({ type: 'pumpStatus', data: status }), 'utf8');
    for (const send of this.sessions) send(bytes);
  }

  private statusOf(pump: Pump): PumpStatus {
    return {
      pumpNo: pump.pumpNo,
      state: pump.state,
      nozzleNo: pump.liftedNozzle ?? pump.transaction?.figures.nozzleNo ?? null,
      transaction: pump.transaction ? { ...pump.transaction.figures } : null,
      errorCode: pump.errorCode,
      ...(pump.lockedBy !== null ? { lockedBy: pump.lockedBy } : {}),
    };
  }

  private draw(range: { min: number; max: number }): number {
    return Math.round(range.min + (range.max - range.min) * this.random());
  }

  private pump(pumpNo: number): Pump {
    const pump = this.pumps.get(pumpNo);
    if (!pump) throw new SimError('DEVICE_NOT_FOUND', `no pump ${pumpNo}`);
    return pump;
  }

  private known(pumpNo: number): Pump {
    const pump = this.pumps.get(pumpNo);
    if (!pump) throw new RefusalError('UNKNOWN_PUMP', `no pump ${pumpNo}`);
    return pump;
  }
}

class RefusalError extends Error {
  constructor(
    readonly code: ForecourtErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The id of a request that failed validation, when it can be read, so the terminal can match the error. */
function requestIdOf(line: string): number {
  try {
    const raw: unknown = JSON.parse(line);
    if (raw && typeof raw === 'object' && 'id' in raw) {
      const id = (raw as { id: unknown }).id;
      if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 1) return id;
    }
  } catch {
    // not JSON: id 0
  }
  return 0;
}

/** mulberry32: a small seeded generator in [0, 1), so a simulated forecourt can repeat a run exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Default forecourt: every pump has a nozzle per grade (1 = 92#, 2 = 95#, 3 = 98#, 4 = 0#). */
export function defaultForecourtPumps(pumpCount: number): ForecourtPumpConfig[] {
  const grades: FuelGrade[] = ['92', '95', '98', '0'];
  return Array.from({ length: pumpCount }, (_, i) => ({ pumpNo: i + 1, nozzles: grades.map((grade, j) => ({ nozzleNo: j + 1, grade })) }));
}
