// A byte pipe to one device (serial, TCP, USB bulk, HID reports), separate from what the bytes mean.
import type { Observable } from 'rxjs';

export interface ByteTransport {
  /** Stable id from the address, used as the device id (`serial_/dev/ttyUSB0`). */
  readonly address: string;
  open(): Promise<void>;
  /** Closing on purpose never emits on lost$. */
  close(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  /** Bytes (or, for HID, one input report per emission) while open. */
  readonly data$: Observable<Buffer>;
  /** Emits when an open device disappears (unplugged, socket reset, port gone). */
  readonly lost$: Observable<Error>;
}
