// Typed errors of the simulator, with a stable code and a message in English and Chinese.
export type SimErrorCode =
  | 'SOCAT_MISSING'
  | 'PTY_START_FAILED'
  | 'DEVICE_UNPLUGGED'
  | 'DEVICE_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'SCENARIO_INVALID'
  | 'SCENARIO_FAILED'
  | 'BAD_INPUT';

const zh: Record<SimErrorCode, string> = {
  SOCAT_MISSING: '未找到 socat，无法创建虚拟串口',
  PTY_START_FAILED: '虚拟串口创建失败',
  DEVICE_UNPLUGGED: '设备已拔出',
  DEVICE_NOT_FOUND: '没有这个设备',
  CONFIG_INVALID: '设备配置无效',
  SCENARIO_INVALID: '场景文件无效',
  SCENARIO_FAILED: '场景未通过',
  BAD_INPUT: '输入无效',
};

export class SimError extends Error {
  readonly code: SimErrorCode;
  readonly messageZh: string;
  constructor(code: SimErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimError';
    this.code = code;
    this.messageZh = zh[code];
  }
}
