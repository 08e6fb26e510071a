// Typed failures of the terminal's small JSON documents (config, enrolment).
export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_UNREADABLE' | 'NOT_ENROLLED';

const MESSAGES: Record<ConfigErrorCode, { zh: string; en: string }> = {
  CONFIG_INVALID: { zh: '配置文件内容无效', en: 'The configuration file is invalid' },
  CONFIG_UNREADABLE: { zh: '配置文件无法读取', en: 'The configuration file cannot be read' },
  NOT_ENROLLED: { zh: '终端尚未注册', en: 'The terminal is not enrolled' },
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly messageZh: string;
  constructor(
    readonly code: ConfigErrorCode,
    readonly file: string,
    detail?: string,
    readonly field?: string,
  ) {
    super(`${MESSAGES[code].en}: ${file}${detail ? ` (${detail})` : ''}`);
    this.messageZh = `${MESSAGES[code].zh}：${file}`;
  }
}
