// Typed failures of the local store, each with a stable code and a message for the cashier in zh-CN and en.
export type StoreErrorCode =
  | 'DISK_FULL'
  | 'STORE_IO'
  | 'STORE_BUSY'
  | 'INVALID_EVENT'
  | 'DUPLICATE_EVENT'
  | 'SNAPSHOT_OUT_OF_ORDER'
  | 'STORE_CLOSED'
  | 'MIGRATION_FAILED';

const MESSAGES: Record<StoreErrorCode, { zh: string; en: string }> = {
  DISK_FULL: { zh: '存储空间已满，交易未保存，请联系管理员', en: 'The disk is full; the transaction was not saved. Call a supervisor.' },
  STORE_IO: { zh: '本地存储读写失败，交易未保存', en: 'The local store failed to read or write; the transaction was not saved.' },
  STORE_BUSY: { zh: '本地存储被占用，请重试', en: 'The local store is busy; try again.' },
  INVALID_EVENT: { zh: '交易数据无效，未保存', en: 'The transaction data is invalid and was not saved.' },
  DUPLICATE_EVENT: { zh: '该交易已保存过', en: 'This transaction was already saved.' },
  SNAPSHOT_OUT_OF_ORDER: { zh: '同步数据顺序错误', en: 'Sync data arrived out of order.' },
  STORE_CLOSED: { zh: '本地存储已关闭', en: 'The local store is closed.' },
  MIGRATION_FAILED: { zh: '本地存储升级失败', en: 'The local store could not be upgraded.' },
};

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly messageZh: string;
  readonly messageEn: string;
  constructor(
    readonly code: StoreErrorCode,
    detail?: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${MESSAGES[code].en} (${detail})` : MESSAGES[code].en, options);
    this.messageZh = MESSAGES[code].zh;
    this.messageEn = MESSAGES[code].en;
  }
}

/** Maps a SQLite failure to a typed error; anything unexpected is passed through unchanged. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const detail = (error as Error).message;
  if (code === 'SQLITE_FULL' || (code.startsWith('SQLITE_IOERR_WRITE') && /space/i.test(detail))) {
    return new StoreError('DISK_FULL', detail, undefined, { cause: error });
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') {
    return new StoreError('STORE_BUSY', detail, undefined, { cause: error });
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new StoreError('DUPLICATE_EVENT', detail, undefined, { cause: error });
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CORRUPT' || code === 'SQLITE_READONLY') {
    return new StoreError('STORE_IO', detail, undefined, { cause: error });
  }
  return error;
}
