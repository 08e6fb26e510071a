// Magstripe reader in keyboard (or serial) mode: one swipe is one line of ISO 7813 tracks.
import type { DeviceEvent } from '../../bus/device-events.js';
import { deviceErrorEvent } from '../transport-device.js';
import { InputDevice } from '../input-device.js';
import type { InputLine } from '../input/input-line.js';
import { maskPan, parseSwipe } from './magstripe-parser.js';

export class MagstripeReader extends InputDevice {
  readonly deviceClass = 'magstripe' as const;

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
