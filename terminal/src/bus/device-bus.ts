// The device bus: one stream of events from every device, and commands routed to the device that accepts them.
import { Subject, Subscription, type Observable } from 'rxjs';
import type { Device, DeviceHealth } from './device.js';
import { DeviceCommand, type DeviceEvent } from './device-events.js';
import { DeviceError } from './device-error.js';

export class DeviceBus {
  private readonly devices = new Map<string, { device: Device; subscription: Subscription }>();
  private readonly eventsSubject = new Subject<DeviceEvent>();
  /** Every device's events, in arrival order. Hot: subscribe before opening devices. */
  readonly events$: Observable<DeviceEvent> = this.eventsSubject.asObservable();

  add(device: Device): void {
    if (this.devices.has(device.id)) throw new DeviceError('BAD_DEVICE_MAP', `duplicate device id ${device.id}`);
    const subscription = device.events$.subscribe((event) => this.eventsSubject.next(event));
    this.devices.set(device.id, { device, subscription });
  }

  list(): Array<{ id: string; deviceClass: Device['deviceClass']; health: DeviceHealth }> {
    return [...this.devices.values()].map(({ device }) => ({ id: device.id, deviceClass: device.deviceClass, health: device.health() }));
  }

  get(id: string): Device | undefined {
    return this.devices.get(id)?.device;
  }

  /** Opens every device; a device that is not there yet keeps retrying in the background, so this never rejects. */
  async openAll(): Promise<Array<{ id: string; error?: DeviceError }>> {
    return Promise.all(
      [...this.devices.values()].map(async ({ device }) => {
        try {
          await device.open();
          return { id: device.id };
        } catch (error) {
          return { id: device.id, error: error instanceof DeviceError ? error : new DeviceError('OPEN_FAILED', String(error)) };
        }
      }),
    );
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.devices.values()].map(({ device }) => device.close()));
    for (const { subscription } of this.devices.values()) subscription.unsubscribe();
    this.devices.clear();
  }

  /**
   * Validates a command and sends it to the named device, or else to the first device that accepts it.
   * Throws UNSUPPORTED_COMMAND when no device can take it; driver failures are thrown as DeviceError.
   */
  async send(input: unknown): Promise<void> {
    const parsed = DeviceCommand.safeParse(input);
    if (!parsed.success) throw new DeviceError('UNSUPPORTED_COMMAND', parsed.error.issues[0]?.message);
    const command = parsed.data;
    const target = command.deviceId
      ? this.devices.get(command.deviceId)?.device
      : [...this.devices.values()].map((d) => d.device).find((d) => d.accepts.includes(command.type));
    if (!target) {
      if (command.deviceId) throw new DeviceError('NOT_FOUND', command.deviceId);
      throw new DeviceError('UNSUPPORTED_COMMAND', `no device accepts ${command.type}`);
    }
    if (!target.accepts.includes(command.type)) throw new DeviceError('UNSUPPORTED_COMMAND', `${command.type} on ${target.id}`);
    await target.execute(command);
  }
}
