// Drivers for input-only devices (scanners, card readers): a line decoder for the transport, then device logic.
import { map, type Observable, type OperatorFunction } from 'rxjs';
import type { DeviceCommand, DeviceEvent } from '../bus/device-events.js';
import { DeviceError } from '../bus/device-error.js';
import type { InputLine } from './input/input-line.js';
import { TransportDevice, type DriverOptions } from './transport-device.js';
import type { ByteTransport } from './transports/byte-transport.js';

export interface InputDeviceOptions extends DriverOptions {
  /** hidKeyboardLines() for keyboard-wedge HID, serialLines() for serial. */
  lines: OperatorFunction<Buffer, InputLine>;
}

export abstract class InputDevice extends TransportDevice {
  readonly accepts = [] as const;
  private readonly lines: OperatorFunction<Buffer, InputLine>;

  constructor(transport: ByteTransport, options: InputDeviceOptions) {
    super(transport, options);
    this.lines = options.lines;
  }

  /** Turns one input line into the device's event (a read, or a deviceError for a bad read). */
  protected abstract interpret(line: InputLine): DeviceEvent;

  /** Extra shaping of the input lines, e.g. joining a swipe split over two lines. */
  protected shapeLines(lines$: Observable<InputLine>): Observable<InputLine> {
    return lines$;
  }

  /** Extra shaping of the event stream, e.g. dropping double reads. */
  protected shape(events$: Observable<DeviceEvent>): Observable<DeviceEvent> {
    return events$;
  }

  protected session(data$: Observable<Buffer>): Observable<DeviceEvent> {
    return this.shape(this.shapeLines(data$.pipe(this.lines)).pipe(map((line) => this.interpret(line))));
  }

  async execute(command: DeviceCommand): Promise<void> {
    throw new DeviceError('UNSUPPORTED_COMMAND', `${command.type} on ${this.id}`);
  }
}
