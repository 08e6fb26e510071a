// The one interface every driver implements, whatever its transport.
import type { Observable } from 'rxjs';
import type { DeviceClass, DeviceCommand, DeviceCommandType, DeviceEvent } from './device-events.js';
import type { DeviceErrorCode } from './device-error.js';

export type DeviceState = 'closed' | 'connecting' | 'attached' | 'detached' | 'failed';

export interface DeviceHealth {
  state: DeviceState;
  /** How many times the device has been attached since open(); above 1 means it was replugged. */
  attachCount: number;
  lastErrorCode?: DeviceErrorCode;
}

export interface Device {
  /** Stable id from the transport address (`hid_05e0:1200`, `serial_/dev/ttyUSB0`, `tcp_10.0.0.5:9100`). */
  readonly id: string;
  readonly deviceClass: DeviceClass;
  /** Hot stream of this device's events; subscribe before open() to see the first attach. */
  readonly events$: Observable<DeviceEvent>;
  /** Which commands the device accepts; the bus routes only these to it. */
  readonly accepts: readonly DeviceCommandType[];
  /** Starts the device and its hot-plug supervision; resolves on the first attach, rejects if the first attempt fails (retries continue until close). */
  open(): Promise<void>;
  close(): Promise<void>;
  health(): DeviceHealth;
  execute(command: DeviceCommand): Promise<void>;
}
