// Wires the gateway's services over one database and one clock.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AuthService } from './auth/auth-service.js';
import { CardService } from './cards/card-service.js';
import type { Clock } from './context.js';
import type { GatewayDb } from './db/database.js';
import { HierarchyService } from './hierarchy/hierarchy-service.js';
import { LedgerService } from './ledger/ledger-service.js';
import { GrowthService } from './members/growth-service.js';
import { MemberService } from './members/member-service.js';
import { ConsoleFileProvider, NotificationService, type NotificationProvider } from './notifications/index.js';
import { RuleSetService } from './rules/rule-set-service.js';
import { CampaignService, CouponIssuer } from './marketing/index.js';

export interface Services {
  gdb: GatewayDb;
  clock: Clock;
  log: Logger;
  auth: AuthService;
  hierarchy: HierarchyService;
  members: MemberService;
  ledger: LedgerService;
  cards: CardService;
  ruleSets: RuleSetService;
  growth: GrowthService;
  /** SMS / WeChat messages through one provider, every message logged (notifications/). */
  notifications: NotificationService;
  /** Single coupons to named members (marketing/; the reminders job's birthday coupon). */
  coupons: CouponIssuer;
  /** Coupon campaigns: batch issuance with a holdout group, effect report (marketing/). */
  campaigns: CampaignService;
}

export interface ServiceOptions {
  /** The gateway's data directory (default ./data): the console provider writes notifications.jsonl there. */
  dataDir?: string | undefined;
  /** Replaces the console-and-file notification provider (an SMS or WeChat gateway in production). */
  notificationProvider?: NotificationProvider | undefined;
}

export function createServices(gdb: GatewayDb, clock: Clock, log: Logger, options: ServiceOptions = {}): Services {
  const ledger = new LedgerService(gdb, clock);
  const members = new MemberService(gdb, clock);
  const notifications = new NotificationService(
    gdb,
    clock,
    options.notificationProvider ?? new ConsoleFileProvider(join(options.dataDir ?? './data', 'notifications.jsonl'), log.child({ module: 'notifications/console' })),
    log,
  );
  return {
    gdb,
    clock,
    log,
    auth: new AuthService(gdb, clock, log.child({ module: 'auth' })),
    hierarchy: new HierarchyService(gdb, clock),
    members,
    ledger,
    cards: new CardService(gdb, clock, members, ledger),
    ruleSets: new RuleSetService(gdb, clock),
    growth: new GrowthService(gdb, clock),
    notifications,
    coupons: new CouponIssuer(gdb, clock),
    campaigns: new CampaignService(gdb, clock, notifications, log.child({ module: 'marketing/campaigns' })),
  };
}
