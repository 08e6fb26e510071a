// DLE EOT status bytes into printer state, and the status reply timeout as marble diagrams on virtual time.
import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { statusByte, readyPrinterState } from '../../../hardware-sim/src/escpos/index.js';
import { canPrint, isStatusByte, readPrinterStatus } from '../../../terminal/src/devices/printer/escpos-status.js';
import { statusReply } from '../../../terminal/src/devices/printer/status-reply.js';
import { DeviceError } from '../../../terminal/src/bus/device-error.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('DLE EOT status bytes', () => {
  it.each([
    // [printer (n=1), offline cause (n=2), roll paper (n=4)] → reading
    ['ready, drawer closed', [0x12, 0x12, 0x12], { online: true, paperOut: false, coverOpen: false, paperNearEnd: false, drawerOpen: false, error: false }, true],
    ['drawer open (pin 3 high)', [0x16, 0x12, 0x12], { online: true, paperOut: false, coverOpen: false, paperNearEnd: false, drawerOpen: true, error: false }, true],
    ['paper near end still prints', [0x12, 0x12, 0x1e], { online: true, paperOut: false, coverOpen: false, paperNearEnd: true, drawerOpen: false, error: false }, true],
    ['paper out', [0x1a, 0x32, 0x7e], { online: false, paperOut: true, coverOpen: false, paperNearEnd: false, drawerOpen: false, error: false }, false],
    ['cover open', [0x1a, 0x16, 0x12], { online: false, paperOut: false, coverOpen: true, paperNearEnd: false, drawerOpen: false, error: false }, false],
    ['cutter error', [0x1a, 0x52, 0x12], { online: false, paperOut: false, coverOpen: false, paperNearEnd: false, drawerOpen: false, error: true }, false],
  ] as const)('%s', (_name, [printer, offlineCause, rollPaper], reading, printable) => {
    const r = readPrinterStatus({ printer, offlineCause, rollPaper });
    expect(r).toEqual(reading);
    expect(canPrint(r)).toBe(printable);
  });

  it('agrees with the simulator model of each printer state', () => {
    const states = [
      readyPrinterState(),
      { ...readyPrinterState(), paperOut: true, paperNearEnd: true },
      { ...readyPrinterState(), coverOpen: true },
      { ...readyPrinterState(), drawerOpen: true },
      { ...readyPrinterState(), offline: true },
    ];
    for (const s of states) {
      const r = readPrinterStatus({ printer: statusByte('printer', s), offlineCause: statusByte('offline-cause', s), rollPaper: statusByte('roll-paper', s) });
      expect([r.paperOut, r.coverOpen, r.drawerOpen, r.online]).toEqual([s.paperOut, s.coverOpen, s.drawerOpen, !(s.offline || s.paperOut || s.coverOpen)]);
    }
  });

  it('reads drawer polarity as configured', () => {
    expect(readPrinterStatus({ printer: 0x12, offlineCause: 0x12, rollPaper: 0x12 }, false).drawerOpen).toBe(true);
  });

  it('recognises status bytes by their fixed bits', () => {
    expect([0x12, 0x16, 0x1a, 0x7e].map(isStatusByte)).toEqual([true, true, true, true]);
    expect([0x00, 0xff, 0x13, 0x92, 0x41].map(isStatusByte)).toEqual([false, false, false, false, false]);
  });
});

describe('statusReply (virtual time)', () => {
  const s = Buffer.from([0x16]);
  const noise = Buffer.from([0xff, 0x00]);

  it('takes the first status byte and completes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('--a', { a: s }).pipe(statusReply(5, 'DLE EOT 1'))).toBe('--(x|)', { x: 0x16 });
    });
  });

  it('skips bytes that are not status bytes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-n-a', { n: noise, a: s }).pipe(statusReply(5, 'DLE EOT 1'))).toBe('---(x|)', { x: 0x16 });
    });
  });

  it('fails with STATUS_TIMEOUT when the printer does not answer in time', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('------a', { a: s }).pipe(statusReply(5, 'DLE EOT 2'))).toBe('-----#', undefined, new DeviceError('STATUS_TIMEOUT', 'DLE EOT 2'));
    });
  });
});
