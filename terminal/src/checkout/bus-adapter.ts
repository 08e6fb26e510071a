// Feeds device-bus events to the checkout: scans become scans, card reads become identification
// by card number (track 2, else track 1) or RFID UID. Kept small so the machine is testable without devices.
import { type Observable, type Subscription, filter } from 'rxjs';
import type { DeviceEvent } from '../bus/device-events.js';
import type { CheckoutMachine, CheckoutResult } from './checkout-machine.js';

export type CheckoutInputEvent = Extract<DeviceEvent, { type: 'scan' | 'cardRead' }>;

/** Applies one bus event to the machine. */
export function applyDeviceEvent(machine: CheckoutMachine, event: CheckoutInputEvent): CheckoutResult {
  if (event.type === 'scan') return machine.scan(event.code);
  const cardNo = event.track2?.pan ?? event.track1?.pan;
  return machine.identifyByCard({ ...(cardNo ? { cardNo } : {}), ...(event.uid ? { uid: event.uid } : {}) });
}

/** Subscribes the machine to the bus; unsubscribe to detach. */
export function connectCheckoutToBus(machine: CheckoutMachine, events$: Observable<DeviceEvent>): Subscription {
  return events$
    .pipe(filter((e): e is CheckoutInputEvent => e.type === 'scan' || e.type === 'cardRead'))
    .subscribe((event) => {
      applyDeviceEvent(machine, event);
    });
}
