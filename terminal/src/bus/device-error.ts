// Typed device failures: a stable code for programs, a message in zh-CN and en for people.
export type DeviceErrorCode =
  | 'BAD_READ'
  | 'BAD_CHECK_DIGIT'
  | 'MALFORMED_TRACK'
  | 'LUHN_FAILED'
  | 'BAD_UID'
  | 'LINE_TOO_LONG'
  | 'PAPER_OUT'
  | 'COVER_OPEN'
  | 'PRINTER_OFFLINE'
  | 'PRINTER_ERROR'
  | 'PRINT_QUEUE_FULL'
  | 'NOTHING_TO_REPRINT'
  | 'STATUS_TIMEOUT'
  | 'OPEN_FAILED'
  | 'TRANSPORT_LOST'
  | 'WRITE_FAILED'
  | 'NOT_FOUND'
  | 'UNSUPPORTED_COMMAND'
  | 'BAD_DEVICE_MAP'
  // forecourt controller refusals (pos-forecourt/1 error codes) and request failures
  | 'BAD_FRAME'
  | 'UNKNOWN_PUMP'
  | 'PUMP_BUSY'
  | 'PUMP_OFFLINE'
  | 'NOT_AUTHORIZED'
  | 'NOT_FINISHED'
  | 'UNKNOWN_TRANSACTION'
  | 'INVALID_PRESET'
  | 'TRANSACTION_LOCKED'
  | 'TOO_MANY_REQUESTS';

const messages: Record<DeviceErrorCode, { zh: string; en: string }> = {
  BAD_READ: { zh: '读取无效，请重新扫描', en: 'Unreadable input, scan again' },
  BAD_CHECK_DIGIT: { zh: '条码校验位错误，请重新扫描', en: 'Barcode check digit is wrong, scan again' },
  MALFORMED_TRACK: { zh: '磁条数据格式错误，请重新刷卡', en: 'Malformed magnetic track, swipe again' },
  LUHN_FAILED: { zh: '卡号校验失败，请重新刷卡', en: 'Card number fails the Luhn check, swipe again' },
  BAD_UID: { zh: '感应卡号无效', en: 'Invalid RFID card UID' },
  LINE_TOO_LONG: { zh: '输入过长，已丢弃', en: 'Input line too long, dropped' },
  PAPER_OUT: { zh: '打印机缺纸，装纸后将自动重打', en: 'Printer is out of paper; the receipt prints when paper is loaded' },
  COVER_OPEN: { zh: '打印机盖未关闭', en: 'Printer cover is open' },
  PRINTER_OFFLINE: { zh: '打印机离线，恢复后将自动重打', en: 'Printer is offline; the receipt prints when it is back' },
  PRINTER_ERROR: { zh: '打印机故障', en: 'Printer error' },
  PRINT_QUEUE_FULL: { zh: '待打印小票过多', en: 'Too many receipts waiting to print' },
  NOTHING_TO_REPRINT: { zh: '没有可重打的小票', en: 'No receipt to reprint' },
  STATUS_TIMEOUT: { zh: '设备无响应', en: 'Device did not answer in time' },
  OPEN_FAILED: { zh: '设备无法打开', en: 'Device could not be opened' },
  TRANSPORT_LOST: { zh: '设备已断开', en: 'Device disconnected' },
  WRITE_FAILED: { zh: '发送到设备失败', en: 'Writing to the device failed' },
  NOT_FOUND: { zh: '未找到设备', en: 'Device not found' },
  UNSUPPORTED_COMMAND: { zh: '设备不支持该指令', en: 'The device does not support this command' },
  BAD_DEVICE_MAP: { zh: '设备配置文件无效', en: 'Invalid device map file' },
  BAD_FRAME: { zh: '油机控制器报文无效', en: 'Invalid forecourt controller frame' },
  UNKNOWN_PUMP: { zh: '没有这个油机', en: 'No such pump' },
  PUMP_BUSY: { zh: '油机正忙，请先结算或停止当前交易', en: 'The pump is busy; settle or stop its transaction first' },
  PUMP_OFFLINE: { zh: '油机离线', en: 'The pump is offline' },
  NOT_AUTHORIZED: { zh: '油机未授权或未在加油', en: 'The pump is not authorized or not delivering' },
  NOT_FINISHED: { zh: '加油尚未结束，不能结算', en: 'The delivery has not finished; it cannot be settled yet' },
  UNKNOWN_TRANSACTION: { zh: '没有这笔加油交易，或已结算', en: 'Unknown or already closed pump transaction' },
  INVALID_PRESET: { zh: '预置金额或升数无效', en: 'Invalid preset amount or volume' },
  TRANSACTION_LOCKED: { zh: '这笔加油交易正在其他收银台结算', en: 'This pump transaction is being settled at another till' },
  TOO_MANY_REQUESTS: { zh: '油机控制器待回复指令过多', en: 'Too many requests waiting for the forecourt controller' },
};

export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  readonly code: DeviceErrorCode;
  readonly messageZh: string;
  constructor(code: DeviceErrorCode, detail?: string, options?: { cause?: unknown }) {
    const text = messages[code];
    super(detail ? `${text.en}: ${detail}` : text.en, options);
    this.code = code;
    this.messageZh = text.zh;
  }
}

/** The person-facing text of an error code. */
export function deviceErrorText(code: DeviceErrorCode): { zh: string; en: string } {
  return messages[code];
}
