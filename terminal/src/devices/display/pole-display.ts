// Customer pole display (2 × 20 VFD) on a serial line, Epson DM-D commands: ESC Q A / ESC Q B write a whole line.
import iconv from 'iconv-lite';
import { ignoreElements, type Observable } from 'rxjs';
import { formatYuan, type Fen } from '@pos/protocol';
import type { DeviceCommand, DeviceEvent } from '../../bus/device-events.js';
import { DeviceError } from '../../bus/device-error.js';
import { TransportDevice } from '../transport-device.js';
import { charColumns, textColumns } from '../printer/text-columns.js';

export const POLE_COLUMNS = 20;

/** Cuts or pads text to exactly `width` columns (a CJK character is two, and is never cut in half). */
export function fitColumns(text: string, width: number): string {
  let out = '';
  let columns = 0;
  for (const char of text.replace(/[\r\n\x00-\x1f]/g, ' ')) {
    const c = charColumns(char);
    if (columns + c > width) break;
    out += char;
    columns += c;
  }
  return out + ' '.repeat(width - columns);
}

/** Name and price on top, total below, each 20 columns: what a customer sees after a scan. */
export function lineAndTotal(name: string, amountFen: Fen, totalFen: Fen, language: 'zh-CN' | 'en' = 'zh-CN'): { top: string; bottom: string } {
  const price = formatYuan(amountFen);
  const nameWidth = POLE_COLUMNS - price.length - 1;
  const top = `${fitColumns(name, nameWidth)} ${price}`;
  const label = language === 'zh-CN' ? '合计' : 'TOTAL';
  const total = formatYuan(totalFen);
  const bottom = label + ' '.repeat(Math.max(1, POLE_COLUMNS - textColumns(label) - total.length)) + total;
  return { top, bottom };
}

export function poleDisplayBytes(top: string, bottom: string): Buffer {
  const line = (selector: number, text: string) =>
    Buffer.concat([Buffer.from([0x1b, 0x51, selector]), iconv.encode(fitColumns(text, POLE_COLUMNS), 'GB18030'), Buffer.from([0x0d])]);
  return Buffer.concat([line(0x41, top), line(0x42, bottom)]);
}

export class PoleDisplay extends TransportDevice {
  readonly deviceClass = 'display' as const;
  readonly accepts = ['display'] as const;
  private lastShown: { top: string; bottom: string } | null = null;

  protected session(data$: Observable<Buffer>): Observable<DeviceEvent> {
    // after a replug the display is blank: show again what the customer should see
    const shown = this.lastShown;
    if (shown) queueMicrotask(() => void this.transport.write(poleDisplayBytes(shown.top, shown.bottom)).catch(() => undefined));
    return data$.pipe(ignoreElements());
  }

  async execute(command: DeviceCommand): Promise<void> {
    if (command.type !== 'display') throw new DeviceError('UNSUPPORTED_COMMAND', `${command.type} on ${this.id}`);
    this.lastShown = { top: command.top, bottom: command.bottom };
    if (!this.isAttached) return; // shown when the display comes back
    await this.transport.write(poleDisplayBytes(command.top, command.bottom));
  }
}
