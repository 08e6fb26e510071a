// Barcode scanner driver: one driver for HID keyboard-wedge and serial scanners; bad reads become deviceError events.
import type { Observable } from 'rxjs';
import type { DeviceEvent } from '../../bus/device-events.js';
import { dropRepeatsWithin } from '../../bus/drop-repeats-within.js';
import { deviceErrorEvent } from '../transport-device.js';
import { InputDevice, type InputDeviceOptions } from '../input-device.js';
import type { InputLine } from '../input/input-line.js';
import type { ByteTransport } from '../transports/byte-transport.js';
import { checkBarcode } from './barcode-check.js';

export interface BarcodeScannerOptions extends InputDeviceOptions {
  /** The same code again within this window is a double read and dropped; 0 keeps every read. */
  repeatWindowMs?: number;
}

export class BarcodeScanner extends InputDevice {
  readonly deviceClass = 'scanner' as const;
  private readonly repeatWindowMs: number;

  constructor(transport: ByteTransport, options: BarcodeScannerOptions) {
    super(transport, options);
    this.repeatWindowMs = options.repeatWindowMs ?? 0;
  }

  protected interpret(line: InputLine): DeviceEvent {
    if (!line.ok) return deviceErrorEvent(this.id, line.code, line.detail);
    const verdict = checkBarcode(line.text);
    if (!verdict.ok) {
      this.logger.info({ reason: verdict.reason }, 'bad barcode read');
      return deviceErrorEvent(this.id, verdict.reason.includes('check digit') ? 'BAD_CHECK_DIGIT' : 'BAD_READ', verdict.reason);
    }
    return { type: 'scan', deviceId: this.id, code: line.text, symbology: verdict.symbology };
  }

  protected override shape(events$: Observable<DeviceEvent>): Observable<DeviceEvent> {
    if (this.repeatWindowMs <= 0) return events$;
    return events$.pipe(dropRepeatsWithin(this.repeatWindowMs, (e) => (e.type === 'scan' ? e.code : null), this.scheduler));
  }
}
