// RFID/NFC UID reader (HID keyboard-wedge or serial): each line is one card's UID.
import type { DeviceEvent } from '../../bus/device-events.js';
import { deviceErrorEvent } from '../transport-device.js';
import { InputDevice, type InputDeviceOptions } from '../input-device.js';
import type { InputLine } from '../input/input-line.js';
import type { ByteTransport } from '../transports/byte-transport.js';

export interface RfidReaderOptions extends InputDeviceOptions {
  /** 'hex' UIDs (4, 7 or 10 bytes); 'decimal' for readers that type the 4-byte UID as a 10-digit number. */
  uidFormat?: 'hex' | 'decimal';
}

/** Normalises a typed UID to upper-case hex (the card cache's key), or null when it is not a UID. */
export function normaliseUid(text: string, format: 'hex' | 'decimal'): string | null {
  const trimmed = text.trim();
  if (format === 'decimal') {
    if (!/^\d{1,10}$/.test(trimmed)) return null;
    const value = Number(trimmed);
    if (value > 0xffffffff) return null;
    return value.toString(16).toUpperCase().padStart(8, '0');
  }
  const hex = trimmed.replace(/[:\s-]/g, '').toUpperCase();
  return /^[0-9A-F]{4,20}$/.test(hex) && hex.length % 2 === 0 ? hex : null;
}

export class RfidReader extends InputDevice {
  readonly deviceClass = 'rfid' as const;
  private readonly uidFormat: 'hex' | 'decimal';

  constructor(transport: ByteTransport, options: RfidReaderOptions) {
    super(transport, options);
    this.uidFormat = options.uidFormat ?? 'hex';
  }

  protected interpret(line: InputLine): DeviceEvent {
    if (!line.ok) return deviceErrorEvent(this.id, line.code, line.detail);
    const uid = normaliseUid(line.text, this.uidFormat);
    if (uid === null) return deviceErrorEvent(this.id, 'BAD_UID', `not a ${this.uidFormat} UID`);
    return { type: 'cardRead', deviceId: this.id, uid };
  }
}
