// The gateway's tables as kysely sees them. Every table carries `merchant_id` (the tenant and the
// future distribution column); times are epoch milliseconds, money integer fen, JSON stored as text.
import type { ColumnType } from 'kysely';

/** bigint columns come back as numbers (bounded to safe integers by the protocol's money types). */
type Int = number;

export interface MerchantTable {
  merchant_id: string;
  id: string;
  code: string;
  name: string;
  created_at: Int;
}
export interface RegionTable {
  merchant_id: string;
  id: string;
  name: string;
  created_at: Int;
}
export interface StoreTable {
  merchant_id: string;
  id: string;
  region_id: string;
  code: string;
  name: string;
  address: string;
  created_at: Int;
}
export interface TerminalTable {
  merchant_id: string;
  id: string;
  store_id: string;
  name: string;
  status: string;
  created_at: Int;
}
export interface StaffTable {
  merchant_id: string;
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  region_id: string | null;
  store_id: string | null;
  failed_logins: Int;
  locked_until: Int | null;
  disabled: Int;
  created_at: Int;
}
export interface SessionTable {
  merchant_id: string;
  id: string;
  staff_id: string;
  token_hash: string;
  expires_at: Int;
  created_at: Int;
}
export interface CardTypeTable {
  merchant_id: string;
  id: string;
  name: string;
  kind: string;
  level: string;
  discount_per_mille: Int;
  offline_limit_fen: Int;
  tier_id: string | null;
  created_at: Int;
}
export interface MemberTable {
  merchant_id: string;
  id: string;
  name: string;
  name_lower: string;
  phone: string | null;
  gender: string | null;
  birthday: string | null;
  anniversary: string | null;
  address: string | null;
  store_id: string;
  referrer_id: string | null;
  attributes: string;
  tier_id: string | null;
  growth: Int;
  status: string;
  created_at: Int;
  updated_at: Int;
}
export interface MemberTagTable {
  merchant_id: string;
  member_id: string;
  tag: string;
}
export interface AttributeDefinitionTable {
  merchant_id: string;
  key: string;
  label_zh: string;
  label_en: string;
  type: string;
  options: string;
  created_at: Int;
}
export interface MemberNoteTable {
  merchant_id: string;
  id: string;
  member_id: string;
  staff_id: string;
  body: string;
  created_at: Int;
}
export interface CardTable {
  merchant_id: string;
  id: string;
  card_no: string;
  member_id: string;
  card_type_id: string;
  store_id: string;
  status: string;
  main_card_id: string | null;
  uids: string;
  replaced_by: string | null;
  created_at: Int;
  updated_at: Int;
}
export interface AccountTable {
  merchant_id: string;
  id: string;
  kind: string;
  owner_id: string;
  unit: string;
  balance: Int;
  may_go_negative: Int;
  created_at: Int;
}
export interface LedgerTransactionTable {
  merchant_id: string;
  id: string;
  idempotency_key: string;
  kind: string;
  request_hash: string;
  result: string;
  staff_id: string | null;
  store_id: string | null;
  member_id: string | null;
  card_id: string | null;
  amount: Int;
  refunded_amount: Int;
  reason: string | null;
  created_at: Int;
}
export interface PostingTable {
  merchant_id: string;
  id: string;
  transaction_id: string;
  from_account_id: string;
  to_account_id: string;
  amount: Int;
  unit: string;
  created_at: Int;
}
export interface PointsLotTable {
  merchant_id: string;
  id: string;
  member_id: string;
  points_earned: Int;
  points_remaining: Int;
  expires_on: string | null;
  transaction_id: string;
  created_at: Int;
}
export interface RuleSetDraftTable {
  merchant_id: string;
  id: string;
  name: string;
  content: string;
  created_at: Int;
  updated_at: Int;
}
export interface RuleSetVersionTable {
  merchant_id: string;
  id: string;
  draft_id: string;
  version: Int;
  content: string;
  published_at: Int;
  published_by: string;
}
export interface AuditLogTable {
  merchant_id: string;
  id: string;
  staff_id: string | null;
  role: string | null;
  store_id: string | null;
  at: Int;
  action: string;
  entity_type: string;
  entity_id: string;
  before: string | null;
  after: string | null;
}

export interface GrowthHistoryTable {
  merchant_id: string;
  id: string;
  member_id: string;
  idempotency_key: string;
  source: string;
  delta: Int;
  growth_after: Int;
  tier_before: string | null;
  tier_after: string | null;
  change: string;
  created_at: Int;
}

export interface GatewayDatabase {
  growth_history: GrowthHistoryTable;
  merchants: MerchantTable;
  regions: RegionTable;
  stores: StoreTable;
  terminals: TerminalTable;
  staff: StaffTable;
  sessions: SessionTable;
  card_types: CardTypeTable;
  members: MemberTable;
  member_tags: MemberTagTable;
  attribute_definitions: AttributeDefinitionTable;
  member_notes: MemberNoteTable;
  cards: CardTable;
  accounts: AccountTable;
  ledger_transactions: LedgerTransactionTable;
  postings: PostingTable;
  points_lots: PointsLotTable;
  rule_set_drafts: RuleSetDraftTable;
  rule_set_versions: RuleSetVersionTable;
  audit_log: AuditLogTable;
}

export type Unused = ColumnType<never, never, never>;
