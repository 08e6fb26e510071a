// Message templates for SMS and WeChat template messages, in zh-CN and en. `{name}` placeholders are
// filled from the message's variables; a template lists the variables it needs, and which of them
// are secret (blanked in the notification log).

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

export type TemplateId = 'otp' | 'birthday' | 'wake_up' | 'coupon_issued' | 'points_expiring' | 'referral_reward';
export const TEMPLATE_IDS: readonly TemplateId[] = ['otp', 'birthday', 'wake_up', 'coupon_issued', 'points_expiring', 'referral_reward'];

export interface Template {
  /** Transactional messages (a login code) are sent even to members who opted out of marketing. */
  kind: 'transactional' | 'marketing';
  vars: readonly string[];
  /** Variables never written to the notification log or pino. */
  secretVars: readonly string[];
  text: Record<Locale, string>;
}

export const TEMPLATES: Record<TemplateId, Template> = {
  otp: {
    kind: 'transactional',
    vars: ['merchantName', 'code', 'minutes'],
    secretVars: ['code'],
    text: {
      'zh-CN': '【{merchantName}】您的验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。',
      en: '[{merchantName}] Your verification code is {code}, valid for {minutes} minutes. Do not share it.',
    },
  },
  birthday: {
    kind: 'marketing',
    vars: ['merchantName', 'name'],
    secretVars: [],
    text: {
      'zh-CN': '【{merchantName}】亲爱的{name}，祝您生日快乐！生日当天到店消费享会员专属礼遇。回复TD退订',
      en: '[{merchantName}] Happy birthday, {name}! Enjoy a member treat in store today. Reply STOP to opt out',
    },
  },
  wake_up: {
    kind: 'marketing',
    vars: ['merchantName', 'name', 'offer'],
    secretVars: [],
    text: {
      'zh-CN': '【{merchantName}】{name}，好久不见！{offer}，期待您再次光临。回复TD退订',
      en: '[{merchantName}] {name}, we miss you! {offer}. Hope to see you soon. Reply STOP to opt out',
    },
  },
  coupon_issued: {
    kind: 'marketing',
    vars: ['merchantName', 'name', 'couponName', 'validTo'],
    secretVars: [],
    text: {
      'zh-CN': '【{merchantName}】{name}，您获得一张「{couponName}」，有效期至 {validTo}。回复TD退订',
      en: '[{merchantName}] {name}, you received a coupon "{couponName}", valid until {validTo}. Reply STOP to opt out',
    },
  },
  points_expiring: {
    kind: 'marketing',
    vars: ['merchantName', 'name', 'points', 'expiresOn'],
    secretVars: [],
    text: {
      'zh-CN': '【{merchantName}】{name}，您有 {points} 积分将于 {expiresOn} 过期，请尽快使用。回复TD退订',
      en: '[{merchantName}] {name}, {points} of your points expire on {expiresOn}. Use them soon. Reply STOP to opt out',
    },
  },
  referral_reward: {
    kind: 'marketing',
    vars: ['merchantName', 'name', 'points'],
    secretVars: [],
    text: {
      'zh-CN': '【{merchantName}】{name}，您邀请的好友已注册，{points} 积分已到账。回复TD退订',
      en: '[{merchantName}] {name}, a friend you invited has joined: {points} points added. Reply STOP to opt out',
    },
  },
};

export type TemplateVars = Record<string, string | number>;

/** The text of `template` in `locale` with `vars` filled in; `redact` blanks the secret variables. */
export function renderTemplate(template: TemplateId, locale: Locale, vars: TemplateVars, redact = false): string {
  const t = TEMPLATES[template];
  return t.text[locale].replace(/\{(\w+)\}/g, (_, name: string) => {
    if (redact && t.secretVars.includes(name)) return '******';
    return String(vars[name] ?? '');
  });
}

/** The variables `template` needs that `vars` lacks. */
export function missingVars(template: TemplateId, vars: TemplateVars): string[] {
  return TEMPLATES[template].vars.filter((v) => vars[v] === undefined || vars[v] === '');
}
