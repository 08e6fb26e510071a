// Carries out the cashier page's commands on the checkout machine and the printer; a refusal
// comes back to the page as PageCommandRefused with the checkout's zh-CN/en text.
import type { CheckoutMachine, CheckoutResult } from '../checkout/index.js';
import type { DeviceBus } from '../bus/index.js';
import { type PageCommand, PageCommandRefused } from '../page/index.js';
import { KioskError, ShiftError, type ForecourtKiosk, type ShiftClose } from '../forecourt/index.js';

function orRefuse(result: CheckoutResult): void {
  if (!result.ok) throw new PageCommandRefused(result.error.code, result.error.text);
}

/** Runs a forecourt command; refusals (controller codes, checkout codes) go back to the page. */
async function onKiosk(kiosk: ForecourtKiosk | null, run: (kiosk: ForecourtKiosk) => Promise<void>): Promise<void> {
  if (!kiosk) throw new PageCommandRefused('NO_FORECOURT', { zh: '本终端未连接油机控制器', en: 'This terminal has no forecourt controller' });
  try {
    await run(kiosk);
  } catch (error) {
    if (error instanceof KioskError) throw new PageCommandRefused(error.causeCode ?? error.code, error.text);
    throw error;
  }
}

async function onShift(shift: ShiftClose | null, run: (shift: ShiftClose) => Promise<unknown>): Promise<void> {
  if (!shift) throw new PageCommandRefused('NO_FORECOURT', { zh: '本终端未连接油机控制器', en: 'This terminal has no forecourt controller' });
  try {
    await run(shift);
  } catch (error) {
    if (error instanceof ShiftError) throw new PageCommandRefused(error.code, error.text);
    throw error;
  }
}

export async function runPageCommand(
  command: PageCommand,
  checkout: CheckoutMachine,
  bus: DeviceBus,
  kiosk: ForecourtKiosk | null = null,
  shift: ShiftClose | null = null,
): Promise<void> {
  switch (command.type) {
    case 'openShift':
      return onShift(shift, (s) => s.open());
    case 'closeShift':
      return onShift(shift, (s) => s.close());
    case 'authorizePump':
      return onKiosk(kiosk, (k) => k.authorize(command.pumpNo, command.preset));
    case 'stopPump':
      return onKiosk(kiosk, (k) => k.stop(command.pumpNo));
    case 'resumePump':
      return onKiosk(kiosk, (k) => k.resume(command.pumpNo));
    case 'emergencyStop':
      return onKiosk(kiosk, (k) => k.emergencyStop());
    case 'settlePump':
      return onKiosk(kiosk, (k) => k.settle(command.pumpNo));
    case 'releasePumps':
      return onKiosk(kiosk, (k) => k.releasePending());
    case 'scan':
      return orRefuse(checkout.scan(command.code));
    case 'attachMemberByPhone':
      return orRefuse(checkout.identifyByPhone(command.phone));
    case 'detachMember':
      return orRefuse(checkout.detachMember());
    case 'changeQuantity':
      return orRefuse(checkout.changeQuantity(command.lineNo, command.quantityMilli));
    case 'voidLine':
      return orRefuse(checkout.voidLine(command.lineNo));
    case 'voidSale':
      if (checkout.state.phase === 'tendering') orRefuse(checkout.cancelTendering());
      return orRefuse(checkout.voidSale());
    case 'suspend':
      return orRefuse(checkout.suspend());
    case 'resume':
      return orRefuse(checkout.resume(command.suspendId));
    case 'redeemPoints':
      return orRefuse(checkout.redeemPoints(command.points));
    case 'addCoupon':
      return orRefuse(checkout.applyCoupon({ couponId: command.couponId, couponDefId: command.couponId.split(':')[0]! }));
    case 'applyMemberCoupons':
      return orRefuse(checkout.applyMemberCoupons());
    case 'pay': {
      if (checkout.state.phase !== 'tendering') orRefuse(checkout.startTendering());
      for (const tender of command.tenders) {
        const result = checkout.addTender({ kind: tender.kind, amountFen: tender.amountFen });
        if (!result.ok) {
          // A refused tender leaves the basket as it was, so the cashier can choose another way to pay.
          checkout.cancelTendering();
          return orRefuse(result);
        }
        if (checkout.state.phase !== 'tendering') return;
      }
      return;
    }
    case 'newSale':
      return orRefuse(checkout.newSale());
    case 'reprint':
      await bus.send({ type: 'reprintLast' });
      return;
  }
}
