// Where messages go: an SMS gateway or WeChat's template message API in production; by default the
// console-and-file provider, which appends one JSON line per message to a file (the "SMS inbox" that
// tests and developers read, so it holds the full phone and text) and logs a masked line via pino.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { maskPhone } from '@pos/protocol';
import type { Locale, TemplateId } from './notification-templates.js';

export type Channel = 'sms' | 'wechat';

export interface OutgoingMessage {
  logId: string;
  merchantId: string;
  memberId: string | null;
  /** E.164. */
  phone: string;
  channel: Channel;
  template: TemplateId;
  locale: Locale;
  /** The full text, secrets included: only the provider sees it. */
  body: string;
  vars: Record<string, string | number>;
  atMs: number;
}

export interface NotificationProvider {
  readonly name: string;
  /** Delivers one message; throws when the provider refused it (the log row then says `failed`). */
  deliver(message: OutgoingMessage): Promise<void>;
}

/** One line of the console-and-file provider's file. */
export interface InboxLine {
  logId: string;
  at: string;
  merchantId: string;
  memberId: string | null;
  phone: string;
  channel: Channel;
  template: TemplateId;
  locale: Locale;
  body: string;
  vars: Record<string, string | number>;
}

export class ConsoleFileProvider implements NotificationProvider {
  readonly name = 'console-file';
  constructor(
    /** The JSON-lines file messages are appended to, created on the first message. */
    readonly file: string,
    private readonly log: Logger,
  ) {}

  async deliver(m: OutgoingMessage): Promise<void> {
    const line: InboxLine = {
      logId: m.logId,
      at: new Date(m.atMs).toISOString(),
      merchantId: m.merchantId,
      memberId: m.memberId,
      phone: m.phone,
      channel: m.channel,
      template: m.template,
      locale: m.locale,
      body: m.body,
      vars: m.vars,
    };
    mkdirSync(dirname(this.file), { recursive: true });
    // One write per line with O_APPEND: lines of concurrent senders do not interleave.
    appendFileSync(this.file, JSON.stringify(line) + '\n');
    this.log.info({ logId: m.logId, channel: m.channel, template: m.template, phone: maskPhone(m.phone) }, 'notification delivered to the file inbox');
  }
}
