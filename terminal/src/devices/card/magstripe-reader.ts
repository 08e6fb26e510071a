// Magstripe reader in keyboard (or serial) mode: one swipe is one line of ISO 7813 tracks.
import type { Observable } from 'rxjs';
import type { DeviceEvent } from '../../bus/device-events.js';
import { joinSplitSwipes } from '../input/join-split-swipes.js';
import { deviceErrorEvent } from '../transport-device.js';
import { InputDevice, type InputDeviceOptions } from '../input-device.js';
import type { ByteTransport } from '../transports/byte-transport.js';
import type { InputLine } from '../input/input-line.js';
import { maskPan, parseSwipe } from './magstripe-parser.js';

export interface MagstripeReaderOptions extends InputDeviceOptions {
  /** How long track 1 waits for track 2 from a reader that sends Enter after each track. */
  trackGapMs?: number;
}

export class MagstripeReader extends InputDevice {
  readonly deviceClass = 'magstripe' as const;
  private readonly trackGapMs: number;

  constructor(transport: ByteTransport, options: MagstripeReaderOptions) {
    super(transport, options);
    this.trackGapMs = options.trackGapMs ?? 100;
  }

  protected override shapeLines(lines$: Observable<InputLine>): Observable<InputLine> {
    return lines$.pipe(joinSplitSwipes(this.trackGapMs, this.scheduler));
  }

  protected interpret(line: InputLine): DeviceEvent {
    if (!line.ok) return deviceErrorEvent(this.id, line.code, line.detail);
    const swipe = parseSwipe(line.text);
    if (!swipe.ok) {
      // the reason names the rule broken, never the track contents
      this.logger.info({ code: swipe.code, reason: swipe.reason }, 'rejected swipe');
      return deviceErrorEvent(this.id, swipe.code, swipe.reason);
    }
    const pan = swipe.track2?.pan ?? swipe.track1?.pan ?? '';
    this.logger.info({ card: maskPan(pan) }, 'card swiped');
    return {
      type: 'cardRead',
      deviceId: this.id,
      ...(swipe.track1 ? { track1: swipe.track1 } : {}),
      ...(swipe.track2 ? { track2: swipe.track2 } : {}),
    };
  }
}
