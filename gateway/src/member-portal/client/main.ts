// The member page (runs in the phone's browser): log in or register with phone + one-time code,
// then the member's card: member code (QR refreshed every 30 s), balance, points, tier, coupons,
// purchases, recharge plans, profile, invite link, message settings. zh-CN by default, en on switch.
// Vanilla TypeScript, no framework: the whole script stays a few KB.

export {};

type Lang = 'zh' | 'en';
type L10n = { zh: string; en: string };

const T = {
  phone: { zh: '手机号', en: 'Phone number' },
  code: { zh: '验证码', en: 'Verification code' },
  getCode: { zh: '获取验证码', en: 'Get code' },
  resend: { zh: '秒后重发', en: 's to resend' },
  login: { zh: '登录 / 注册', en: 'Log in / Join' },
  loginHint: { zh: '未注册的手机号验证后将自动成为会员', en: 'A new phone number becomes a member once verified' },
  codeSent: { zh: '验证码已发送', en: 'Code sent' },
  welcome: { zh: '欢迎加入！请完善资料', en: 'Welcome! Please complete your profile' },
  memberCode: { zh: '会员码', en: 'Member code' },
  showCode: { zh: '出示会员码', en: 'Show member code' },
  codeHint: { zh: '结账时出示给收银员扫描，每 30 秒自动刷新', en: 'Show this to the cashier; it refreshes every 30 s' },
  refreshIn: { zh: '秒后刷新', en: 's until refresh' },
  balance: { zh: '储值余额', en: 'Stored value' },
  principal: { zh: '本金', en: 'Principal' },
  bonus: { zh: '赠送', en: 'Bonus' },
  points: { zh: '积分', en: 'Points' },
  expires: { zh: '到期', en: 'expires' },
  noExpiry: { zh: '长期有效', en: 'no expiry' },
  tier: { zh: '会员等级', en: 'Tier' },
  noTier: { zh: '普通会员', en: 'Member' },
  growth: { zh: '成长值', en: 'Growth' },
  toNext: { zh: '距离', en: 'to' },
  topTier: { zh: '已是最高等级', en: 'Top tier reached' },
  coupons: { zh: '优惠券', en: 'Coupons' },
  noCoupons: { zh: '暂无优惠券', en: 'No coupons' },
  validUntil: { zh: '有效期至', en: 'valid until' },
  used: { zh: '已使用', en: 'used' },
  expired: { zh: '已过期', en: 'expired' },
  orders: { zh: '消费记录', en: 'Purchases' },
  noOrders: { zh: '暂无消费记录', en: 'No purchases yet' },
  refund: { zh: '退货', en: 'Refund' },
  earned: { zh: '获得积分', en: 'points earned' },
  recharge: { zh: '充值方案', en: 'Recharge plans' },
  rechargeHint: { zh: '请到以下门店收银台充值', en: 'Recharge at the till of these stores' },
  pay: { zh: '充', en: 'Pay' },
  get: { zh: '送', en: 'get' },
  profile: { zh: '个人资料', en: 'Profile' },
  name: { zh: '姓名', en: 'Name' },
  gender: { zh: '性别', en: 'Gender' },
  female: { zh: '女', en: 'Female' },
  male: { zh: '男', en: 'Male' },
  unknown: { zh: '不愿透露', en: 'Prefer not to say' },
  birthday: { zh: '生日', en: 'Birthday' },
  save: { zh: '保存', en: 'Save' },
  saved: { zh: '已保存', en: 'Saved' },
  invite: { zh: '邀请好友', en: 'Invite friends' },
  inviteHint: { zh: '好友通过此链接注册，即记录为您邀请', en: 'Friends who join through this link are recorded as your referrals' },
  messages: { zh: '消息通知', en: 'Messages' },
  smsOptIn: { zh: '接收短信优惠通知', en: 'Offers by SMS' },
  wechatOptIn: { zh: '接收微信优惠通知', en: 'Offers on WeChat' },
  logout: { zh: '退出登录', en: 'Log out' },
  network: { zh: '网络错误，请重试', en: 'Network error; try again' },
} satisfies Record<string, L10n>;

let lang: Lang = localStorage.getItem('pos-lang') === 'en' ? 'en' : 'zh';
const t = (k: keyof typeof T) => T[k][lang];
const loc = (x: L10n) => x[lang] || x.zh;
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

const body = document.body;
const merchantCode = body.dataset.merchantCode ?? '';
const app = document.getElementById('app')!;
const params = new URLSearchParams(location.search);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null) e.append(c);
  return e;
}

/** The part of a "中文 / English" gateway message in the page's language. */
function messageOf(m: string): string {
  const [zh, en] = m.split(' / ');
  return (lang === 'en' ? en : zh) ?? m;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function api<R>(method: string, path: string, payload?: unknown): Promise<R> {
  let res: Response;
  try {
    res = await fetch(path, { method, credentials: 'same-origin', headers: payload === undefined ? {} : { 'content-type': 'application/json' }, body: payload === undefined ? null : JSON.stringify(payload) });
  } catch {
    throw new ApiError(0, 'NETWORK', t('network'));
  }
  const json = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(res.status, json.error?.code ?? 'HTTP_' + res.status, messageOf(json.error?.message ?? String(res.status)));
  return json as R;
}

// ── login ────────────────────────────────────────────────────────────────────────────────────

function showLogin(): void {
  stopCode();
  const phone = el('input', { id: 'phone', type: 'tel', inputmode: 'numeric', autocomplete: 'tel', maxlength: '20' });
  const code = el('input', { id: 'otp', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6' });
  const send = el('button', { id: 'send-code', type: 'button', class: 'secondary' }, t('getCode'));
  const submit = el('button', { id: 'login', type: 'submit' }, t('login'));
  const status = el('p', { id: 'login-status', class: 'error', role: 'alert' });
  let timer = 0;
  send.addEventListener('click', async () => {
    status.textContent = '';
    send.disabled = true;
    try {
      const r = await api<{ retryAfterSeconds: number }>('POST', '/m/api/otp', { merchantCode, phone: phone.value, locale: lang === 'en' ? 'en' : 'zh-CN' });
      status.textContent = t('codeSent');
      let left = r.retryAfterSeconds;
      clearInterval(timer);
      timer = window.setInterval(() => {
        left -= 1;
        send.textContent = left > 0 ? `${left}${t('resend')}` : t('getCode');
        if (left <= 0) {
          clearInterval(timer);
          send.disabled = false;
        }
      }, 1000);
      code.focus();
    } catch (e) {
      status.textContent = (e as Error).message;
      send.disabled = false;
    }
  });
  const form = el(
    'form',
    { id: 'login-form', novalidate: '' },
    el('h2', {}, t('login')),
    el('label', { for: 'phone' }, t('phone')),
    phone,
    el('label', { for: 'otp' }, t('code')),
    el('div', { class: 'row' }, code, send),
    status,
    submit,
    el('p', { class: 'muted' }, t('loginHint')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.textContent = '';
    submit.disabled = true;
    try {
      const ref = params.get('ref');
      const store = params.get('store');
      const r = await api<{ registered: boolean }>('POST', '/m/api/login', { merchantCode, phone: phone.value, code: code.value, ...(ref ? { referrerId: ref } : {}), ...(store ? { storeCode: store } : {}) });
      clearInterval(timer);
      await showHome(r.registered);
    } catch (e) {
      status.textContent = (e as Error).message;
      submit.disabled = false;
    }
  });
  app.replaceChildren(el('section', {}, form));
}

// ── home ─────────────────────────────────────────────────────────────────────────────────────

interface Overview {
  merchant: { code: string; name: string };
  member: { id: string; name: string; phoneMasked: string | null; gender: string | null; birthday: string | null };
  tier: { current: { name: L10n } | null; growth: number; next: { name: L10n; growthThreshold: number } | null; progressPerMille: number };
  points: { balance: number; lots: { points: number; expiresOn: string | null }[] };
  storedValue: { principalFen: number; bonusFen: number; totalFen: number };
  coupons: { code: string; name: L10n; terms: L10n; status: 'available' | 'used' | 'expired'; validUntil: string }[];
  orders: { type: string; receiptNo: string; occurredAt: string; store: string; amountFen: number; pointsEarned: number; lines: { name: string; quantityMilli: number; netFen: number }[]; tenders: { kind: string; amountFen: number }[] }[];
  rechargePlans: { planId: string; name: L10n; steps: { minPaidFen: number; bonusFen: number; bonusPoints: number }[]; stores: { name: string; address: string }[] }[];
  editableAttributes: { key: string; labelZh: string; labelEn: string; type: string; options: string[]; value: string | number | null }[];
  referralPath: string;
  optOuts: string[];
}

let codeTimer = 0;
function stopCode(): void {
  clearTimeout(codeTimer);
  codeTimer = 0;
}

async function refreshCode(box: HTMLElement, countdown: HTMLElement): Promise<void> {
  stopCode();
  try {
    const c = await api<{ payload: string; expiresAtMs: number; svg: string }>('GET', '/m/api/code');
    const qr = el('div', { id: 'member-qr', role: 'img', 'aria-label': t('memberCode'), 'data-payload': c.payload });
    qr.innerHTML = c.svg; // server-made SVG from our own payload
    box.replaceChildren(qr, el('p', { class: 'muted', id: 'member-code-text' }, c.payload.split('.').pop() ?? ''));
    const tick = () => {
      const left = Math.max(0, Math.ceil((c.expiresAtMs - Date.now()) / 1000));
      countdown.textContent = `${left}${t('refreshIn')}`;
      codeTimer = left > 0 ? window.setTimeout(tick, 1000) : window.setTimeout(() => void refreshCode(box, countdown), 200);
    };
    tick();
  } catch (e) {
    if ((e as ApiError).status === 401) return showLogin();
    box.replaceChildren(el('p', { class: 'error', role: 'alert' }, (e as Error).message));
    codeTimer = window.setTimeout(() => void refreshCode(box, countdown), 5000);
  }
}

function section(id: string, title: string, ...children: (Node | string | null)[]): HTMLElement {
  return el('section', { id, 'aria-labelledby': `${id}-h` }, el('h2', { id: `${id}-h` }, title), ...children);
}

async function showHome(justRegistered = false): Promise<void> {
  let o: Overview;
  try {
    o = await api<Overview>('GET', '/m/api/me');
  } catch (e) {
    if ((e as ApiError).status === 401) return showLogin();
    app.replaceChildren(el('p', { class: 'error', role: 'alert' }, (e as Error).message));
    return;
  }
  stopCode();
  const codeBox = el('div', { class: 'qr' });
  const countdown = el('p', { class: 'muted', id: 'code-countdown' });
  const showCode = el('button', { id: 'show-code', type: 'button' }, t('showCode'));
  showCode.addEventListener('click', () => {
    showCode.classList.add('hidden');
    void refreshCode(codeBox, countdown);
  });

  const tierName = o.tier.current ? loc(o.tier.current.name) : t('noTier');
  const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '1000', 'aria-valuenow': String(o.tier.progressPerMille), 'aria-label': t('growth') }, el('div', { style: `width:${o.tier.progressPerMille / 10}%` }));
  const next = o.tier.next ? `${t('toNext')} ${loc(o.tier.next.name)}: ${o.tier.growth} / ${o.tier.next.growthThreshold}` : t('topTier');

  const profileStatus = el('p', { class: 'error', role: 'status', id: 'profile-status' });
  const nameInput = el('input', { id: 'p-name', value: o.member.name, maxlength: '50', autocomplete: 'name' });
  const gender = el('select', { id: 'p-gender' }, ...(['unknown', 'female', 'male'] as const).map((g) => el('option', { value: g, ...(o.member.gender === g ? { selected: '' } : {}) }, t(g))));
  const birthday = el('input', { id: 'p-birthday', type: 'date', value: o.member.birthday ?? '', ...(o.member.birthday ? { disabled: '' } : {}) });
  const attrInputs = o.editableAttributes.map((a) => {
    const id = `p-attr-${a.key}`;
    const input =
      a.type === 'enum'
        ? el('select', { id }, el('option', { value: '' }, '—'), ...a.options.map((opt) => el('option', { value: opt, ...(a.value === opt ? { selected: '' } : {}) }, opt)))
        : el('input', { id, type: a.type === 'number' ? 'number' : a.type === 'date' ? 'date' : 'text', value: a.value === null ? '' : String(a.value) });
    return { a, input, label: el('label', { for: id }, lang === 'en' ? a.labelEn : a.labelZh) };
  });
  const profileForm = el('form', { id: 'profile-form' }, el('label', { for: 'p-name' }, t('name')), nameInput, el('label', { for: 'p-gender' }, t('gender')), gender, el('label', { for: 'p-birthday' }, t('birthday')), birthday);
  for (const x of attrInputs) profileForm.append(x.label, x.input);
  profileForm.append(profileStatus, el('button', { type: 'submit', id: 'p-save' }, t('save')));
  profileForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const attributes: Record<string, string | number> = {};
    for (const { a, input } of attrInputs) if (input.value !== '') attributes[a.key] = a.type === 'number' ? Number(input.value) : input.value;
    try {
      await api('PATCH', '/m/api/me', { name: nameInput.value, gender: gender.value, ...(birthday.value && !o.member.birthday ? { birthday: birthday.value } : {}), ...(attrInputs.length ? { attributes } : {}) });
      await showHome();
      document.getElementById('profile-status')!.textContent = t('saved');
    } catch (e) {
      profileStatus.textContent = (e as Error).message;
    }
  });

  const inviteUrl = new URL(o.referralPath, location.origin).toString();
  const sms = el('input', { id: 'opt-sms', type: 'checkbox', ...(o.optOuts.includes('sms') ? {} : { checked: '' }) });
  const wechat = el('input', { id: 'opt-wechat', type: 'checkbox', ...(o.optOuts.includes('wechat') ? {} : { checked: '' }) });
  for (const box of [sms, wechat]) {
    box.style.width = 'auto';
    box.addEventListener('change', () => void api('PUT', '/m/api/me/notifications', { sms: !sms.checked, wechat: !wechat.checked }).catch(() => undefined));
  }
  const logout = el('button', { id: 'logout', type: 'button', class: 'secondary' }, t('logout'));
  logout.addEventListener('click', async () => {
    await api('POST', '/m/api/logout').catch(() => undefined);
    showLogin();
  });

  app.replaceChildren(
    ...(justRegistered ? [el('p', { role: 'status', id: 'welcome' }, t('welcome'))] : []),
    section('card', `${o.member.name} · ${tierName}`, el('p', { class: 'muted' }, o.member.phoneMasked ?? ''), showCode, codeBox, countdown, el('p', { class: 'muted' }, t('codeHint'))),
    el(
      'div',
      { class: 'grid' },
      section('balance', t('balance'), el('div', { class: 'big', id: 'balance-total' }, yuan(o.storedValue.totalFen)), el('div', { class: 'muted' }, `${t('principal')} ${yuan(o.storedValue.principalFen)} · ${t('bonus')} ${yuan(o.storedValue.bonusFen)}`)),
      section(
        'points',
        t('points'),
        el('div', { class: 'big', id: 'points-balance' }, String(o.points.balance)),
        el('ul', { id: 'points-lots', class: 'muted' }, ...o.points.lots.map((l) => el('li', {}, `${l.points} · ${l.expiresOn ? `${l.expiresOn} ${t('expires')}` : t('noExpiry')}`))),
      ),
    ),
    section('tier', t('tier'), el('p', {}, `${tierName} · ${t('growth')} ${o.tier.growth}`), bar, el('p', { class: 'muted' }, next)),
    section('coupons', t('coupons'), o.coupons.length ? el('ul', { id: 'coupon-list' }, ...o.coupons.map((c) => el('li', c.status === 'available' ? {} : { class: 'muted' }, `${loc(c.name)} · ${loc(c.terms)} · ${c.status === 'available' ? `${t('validUntil')} ${c.validUntil.slice(0, 10)}` : t(c.status)}`))) : el('p', { class: 'muted' }, t('noCoupons'))),
    section(
      'orders',
      t('orders'),
      o.orders.length
        ? el(
            'ul',
            {},
            ...o.orders.map((r) =>
              el(
                'li',
                {},
                el(
                  'details',
                  {},
                  el('summary', {}, `${r.occurredAt.slice(0, 10)} ${r.store} ${r.type === 'saleRefunded' ? t('refund') + ' ' : ''}${yuan(r.amountFen)}`),
                  el('div', { class: 'muted' }, `#${r.receiptNo} · ${r.pointsEarned} ${t('earned')}`),
                  el('ul', {}, ...r.lines.map((l) => el('li', {}, `${l.name} × ${l.quantityMilli / 1000} ${yuan(l.netFen)}`))),
                ),
              ),
            ),
          )
        : el('p', { class: 'muted' }, t('noOrders')),
    ),
    section(
      'recharge',
      t('recharge'),
      ...o.rechargePlans.map((p) =>
        el(
          'div',
          {},
          el('p', {}, loc(p.name)),
          el('ul', { class: 'muted' }, ...p.steps.map((s) => el('li', {}, `${t('pay')} ${yuan(s.minPaidFen)} ${t('get')} ${yuan(s.bonusFen)}${s.bonusPoints ? ` + ${s.bonusPoints} ${t('points')}` : ''}`))),
          el('p', { class: 'muted' }, t('rechargeHint')),
          el('ul', {}, ...p.stores.map((s) => el('li', {}, `${s.name}${s.address ? ` · ${s.address}` : ''}`))),
        ),
      ),
    ),
    section('profile', t('profile'), profileForm),
    section('invite', t('invite'), el('p', { class: 'muted' }, t('inviteHint')), el('a', { id: 'invite-link', href: inviteUrl }, inviteUrl)),
    section('messages', t('messages'), el('label', {}, sms, ' ', t('smsOptIn')), el('label', {}, wechat, ' ', t('wechatOptIn'))),
    logout,
  );
}

// ── start ────────────────────────────────────────────────────────────────────────────────────

const langButton = document.getElementById('lang') as HTMLButtonElement;
function applyLang(): void {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  langButton.textContent = lang === 'en' ? '中文' : 'EN';
  langButton.setAttribute('aria-label', lang === 'en' ? '切换到中文' : 'Switch to English');
}
langButton.addEventListener('click', () => {
  lang = lang === 'en' ? 'zh' : 'en';
  localStorage.setItem('pos-lang', lang);
  applyLang();
  void showHome();
});
applyLang();
if (!merchantCode) app.replaceChildren(el('p', { class: 'error' }, lang === 'en' ? 'Open the link your store gave you.' : '请通过门店提供的链接打开。'));
else void showHome();
