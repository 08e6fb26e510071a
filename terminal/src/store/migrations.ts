// Schema migrations of the local store, applied in order inside one transaction each;
// PRAGMA user_version records how far a database has come.
import type { Database } from 'better-sqlite3';
import { StoreError } from './store-error.js';

export const MIGRATIONS: readonly string[] = [
  // 1: journal (kept forever), outbox (deleted on ack), counters, caches, sync state.
  `
  CREATE TABLE journal (
    journal_seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    sale_id     TEXT,
    receipt_no  TEXT UNIQUE,
    member_id   TEXT,
    body        TEXT NOT NULL
  );
  CREATE INDEX journal_by_sale ON journal(sale_id) WHERE sale_id IS NOT NULL;
  CREATE INDEX journal_by_type ON journal(type, journal_seq);

  CREATE TABLE outbox (
    position        INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    member_id       TEXT,
    -- Effect on the member's balances not yet confirmed by the gateway (for offline limits).
    stored_value_delta_fen INTEGER NOT NULL DEFAULT 0,
    points_delta           INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX outbox_by_member ON outbox(member_id) WHERE member_id IS NOT NULL;

  CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;

  CREATE TABLE members (
    member_id TEXT PRIMARY KEY,
    phone     TEXT,
    gen       INTEGER NOT NULL,
    body      TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX members_by_phone ON members(phone) WHERE phone IS NOT NULL;

  CREATE TABLE cards (
    card_no   TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    gen       INTEGER NOT NULL,
    body      TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX cards_by_member ON cards(member_id);

  CREATE TABLE card_uids (uid TEXT PRIMARY KEY, card_no TEXT NOT NULL) WITHOUT ROWID;
  CREATE INDEX card_uids_by_card ON card_uids(card_no);

  CREATE TABLE catalogue (sku TEXT PRIMARY KEY, gen INTEGER NOT NULL, body TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE barcodes (barcode TEXT PRIMARY KEY, sku TEXT NOT NULL) WITHOUT ROWID;
  CREATE INDEX barcodes_by_sku ON barcodes(sku);

  CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `,
  // 2: the engine's priced basket of each sale, kept beside the journal so a refund reverses
  // exactly what the sale allocated to each line and tender.
  `
  CREATE TABLE sale_pricing (sale_id TEXT PRIMARY KEY, priced TEXT NOT NULL) WITHOUT ROWID;
  `,
  // 3: the unacked stored-value effect split into principal and bonus, as the ledger keeps them.
  `
  ALTER TABLE outbox ADD COLUMN principal_delta_fen INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE outbox ADD COLUMN bonus_delta_fen INTEGER NOT NULL DEFAULT 0;
  `,
  // 4: suspended (parked) baskets survive a restart of the till.
  `
  CREATE TABLE suspended_sales (
    suspend_id      TEXT PRIMARY KEY,
    suspended_at_ms INTEGER NOT NULL,
    body            TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 5: member codes (dynamic QR) this till accepted, so a code cannot be used twice here even
  // across a restart; rows older than the code window are pruned when a code is claimed.
  `
  CREATE TABLE used_member_codes (
    member_id  TEXT NOT NULL,
    step       INTEGER NOT NULL,
    used_at_ms INTEGER NOT NULL,
    PRIMARY KEY (member_id, step)
  ) WITHOUT ROWID;
  CREATE INDEX used_member_codes_by_step ON used_member_codes(step);
  `,
];

export function migrate(db: Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new StoreError('MIGRATION_FAILED', `database is at version ${current}, this software knows ${MIGRATIONS.length}`);
  }
  for (let version = current; version < MIGRATIONS.length; version += 1) {
    const apply = db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    });
    try {
      apply.immediate();
    } catch (error) {
      throw new StoreError('MIGRATION_FAILED', `migration ${version + 1}: ${(error as Error).message}`, undefined, { cause: error });
    }
  }
  return MIGRATIONS.length;
}
