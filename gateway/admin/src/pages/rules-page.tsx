// Rules: the active version (tiers, points, campaigns, coupons, recharge plans), drafts HQ edits, the
// preview of a draft on a sample basket through the engine, publishing a version, and which terminal
// runs which version.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Col, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Row, Select, Space, Table, Tabs, Tag, Typography, message } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { get, post, put } from '../api.js';
import { ErrorAlert, toastError } from '../errors.js';
import { dateTime, parseYuan, yuan } from '../format.js';
import { useLang, useT } from '../i18n.js';
import { navigate } from '../router.js';
import { useCan, useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { TerminalsTable } from './organisation-page.js';
import { RuleSections, couponText, type CouponRule } from '../rule-sections.js';

type Text = { zh: string; en: string };
interface Campaign {
  kind: string;
  campaignId: string;
  name: Text;
  validFrom: string;
  validTo: string;
  [k: string]: unknown;
}
interface RuleContent {
  tiers?: { tierId: string; name: Text; growthThreshold: number; discountPerMille?: number; pointsRatePerMille?: number }[];
  points?: { earnPerYuanPerMille?: number };
  campaigns?: Campaign[];
  coupons?: CouponRule[];
  rechargePlans?: { planId: string; name: Text; mode?: string; steps: { minPaidFen: number; bonusFen?: number; bonusPoints?: number }[] }[];
  settings?: Record<string, unknown>;
  [k: string]: unknown;
}
interface Draft {
  id: string;
  name: string;
  content: RuleContent;
  createdAt: number;
  updatedAt: number;
  validation: { ok: boolean; field?: string; message?: string };
}
interface Published {
  version: number;
  publishedAt: number;
  publishedBy: string;
  rules: RuleContent;
}

export const CAMPAIGN_KINDS: Record<string, [string, string]> = {
  spendThreshold: ['满减', 'Spend & save'],
  percentOff: ['折扣', 'Percent off'],
  nthItem: ['第N件优惠', 'Nth item'],
  buyNGetM: ['买N送M', 'Buy N get M'],
  bundle: ['套餐', 'Bundle'],
  memberPrice: ['会员价', 'Member price'],
  pointsMultiplier: ['多倍积分', 'Multiple points'],
  birthday: ['生日礼', 'Birthday'],
};

export function RulesPage({ draftId }: { draftId?: string | undefined }) {
  const t = useT();
  const can = useCan();
  if (draftId && can('ruleSet.write')) return <DraftEditor draftId={draftId} />;
  return (
    <Card title={t('规则与活动', 'Rules & campaigns')}>
      <Tabs
        items={[
          { key: 'active', label: t('当前生效版本', 'Active version'), children: <ActiveVersion /> },
          ...(can('ruleSet.write') ? [{ key: 'drafts', label: t('草稿', 'Drafts'), children: <DraftList /> }] : []),
          { key: 'versions', label: t('发布历史', 'Versions'), children: <Versions /> },
          ...(can('terminal.read') ? [{ key: 'terminals', label: t('终端版本', 'Terminals'), children: <TerminalsTable /> }] : []),
        ]}
      />
    </Card>
  );
}

function ActiveVersion() {
  const t = useT();
  const active = useLoad(() => get<Published>('/v1/rule-sets/active'), []);
  if (active.error) return <ErrorAlert error={active.error} />;
  if (!active.data) return <Card loading bordered={false} />;
  return (
    <>
      <Typography.Paragraph>
        {t('版本', 'Version')} <Tag color="blue" data-testid="active-version">v{active.data.version}</Tag> {t('发布于', 'published')} {dateTime(active.data.publishedAt)}
      </Typography.Paragraph>
      <RuleSummary rules={active.data.rules} />
    </>
  );
}

export function RuleSummary({ rules }: { rules: RuleContent }) {
  const t = useT();
  const lang = useLang();
  const name = (n: Text) => (lang === 'zh' ? n.zh : n.en);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={5}>{t('等级', 'Tiers')}</Typography.Title>
      <Table size="small" rowKey="tierId" pagination={false} dataSource={rules.tiers ?? []} columns={[
        { title: 'ID', dataIndex: 'tierId' },
        { title: t('名称', 'Name'), dataIndex: 'name', render: name },
        { title: t('成长值门槛', 'Growth threshold'), dataIndex: 'growthThreshold' },
        { title: t('折扣', 'Discount'), dataIndex: 'discountPerMille', render: (v?: number) => (v && v < 1000 ? `${v / 100}折` : '—') },
        { title: t('积分倍率', 'Points rate'), dataIndex: 'pointsRatePerMille', render: (v?: number) => (v ? `${v / 1000}×` : '1×') },
      ]} />
      <Typography.Text>{t('积分规则：每元', 'Points: per yuan')} {(rules.points?.earnPerYuanPerMille ?? 1000) / 1000} {t('分', 'points')}</Typography.Text>
      <Typography.Title level={5}>{t('营销活动', 'Campaigns')}</Typography.Title>
      <CampaignTable campaigns={rules.campaigns ?? []} />
      <Typography.Title level={5}>{t('优惠券', 'Coupons')}</Typography.Title>
      <Table size="small" rowKey="couponDefId" pagination={false} dataSource={rules.coupons ?? []} columns={[
        { title: 'ID', dataIndex: 'couponDefId' },
        { title: t('名称', 'Name'), dataIndex: 'name', render: name },
        { title: t('优惠', 'Benefit'), key: 'b', render: (_: unknown, c: CouponRule) => couponText(c, t) },
      ]} />
      <Typography.Title level={5}>{t('充值方案', 'Recharge plans')}</Typography.Title>
      <Table size="small" rowKey="planId" pagination={false} dataSource={rules.rechargePlans ?? []} columns={[
        { title: 'ID', dataIndex: 'planId' },
        { title: t('名称', 'Name'), dataIndex: 'name', render: name },
        { title: t('方式', 'Mode'), dataIndex: 'mode', render: (v?: string) => (v === 'repeat' ? t('每充', 'per step') : t('阶梯', 'tiered')) },
        { title: t('档位', 'Steps'), dataIndex: 'steps', render: (steps: { minPaidFen: number; bonusFen?: number; bonusPoints?: number }[]) => steps.map((s) => `${yuan(s.minPaidFen)}→+${yuan(s.bonusFen ?? 0)}${s.bonusPoints ? ` +${s.bonusPoints}pt` : ''}`).join('; ') },
      ]} />
    </Space>
  );
}

function campaignDetail(c: Campaign, t: (zh: string, en: string) => string): string {
  switch (c.kind) {
    case 'spendThreshold':
      return t(`${c.repeat ? '每' : ''}满 ${yuan(c.thresholdFen as number)} 减 ${yuan(c.offFen as number)}`, `${yuan(c.offFen as number)} off ${c.repeat ? 'every' : ''} ${yuan(c.thresholdFen as number)}`);
    case 'percentOff':
      return `${(c.discountPerMille as number) / 100}折`;
    case 'nthItem':
      return t(`第 ${c.n} 件 ${(c.discountPerMille as number) / 100} 折`, `item ${c.n} at ${(c.discountPerMille as number) / 10}%`);
    case 'buyNGetM':
      return t(`买 ${c.buy} 送 ${c.free}`, `buy ${c.buy} get ${c.free}`);
    case 'bundle':
      return `${(c.items as { sku: string; units: number }[]).map((i) => `${i.sku}×${i.units}`).join(' + ')} = ${yuan(c.priceFen as number)}`;
    case 'pointsMultiplier':
      return `${(c.multiplierPerMille as number) / 1000}×`;
    case 'birthday':
      return `${((c.multiplierPerMille as number | undefined) ?? 1000) / 1000}× +${(c.fixedPoints as number | undefined) ?? 0}pt`;
    default:
      return '';
  }
}

function CampaignTable({ campaigns, onRemove }: { campaigns: Campaign[]; onRemove?: (id: string) => void }) {
  const t = useT();
  const lang = useLang();
  const days = (c: Campaign) => {
    const w = (c.weekdays as number[] | undefined) ?? [];
    const m = (c.monthDays as number[] | undefined) ?? [];
    if (!w.length && !m.length) return t('每天', 'every day');
    return [w.length ? t(`每周${w.join('、')}`, `weekdays ${w.join(',')}`) : '', m.length ? t(`每月${m.join('、')}日`, `days ${m.join(',')}`) : ''].filter(Boolean).join(' ');
  };
  return (
    <Table size="small" rowKey="campaignId" pagination={false} dataSource={campaigns} data-testid="campaign-table" columns={[
      { title: 'ID', dataIndex: 'campaignId' },
      { title: t('名称', 'Name'), dataIndex: 'name', render: (n: Text) => (lang === 'zh' ? n.zh : n.en) },
      { title: t('类型', 'Kind'), dataIndex: 'kind', render: (k: string) => <Tag>{CAMPAIGN_KINDS[k]?.[lang === 'zh' ? 0 : 1] ?? k}</Tag> },
      { title: t('内容', 'Rule'), key: 'detail', render: (_: unknown, c: Campaign) => campaignDetail(c, t) },
      { title: t('日期', 'Days'), key: 'days', render: (_: unknown, c: Campaign) => days(c) },
      { title: t('有效期', 'Valid'), key: 'valid', render: (_: unknown, c: Campaign) => `${c.validFrom.slice(0, 10)} → ${c.validTo.slice(0, 10)}` },
      ...(onRemove ? [{ title: '', key: 'x', render: (_: unknown, c: Campaign) => <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => onRemove(c.campaignId)} /> }] : []),
    ]} />
  );
}

function Versions() {
  const t = useT();
  const versions = useLoad(() => get<{ version: number; publishedAt: number; publishedBy: string }[]>('/v1/rule-sets/versions'), []);
  return (
    <>
      <ErrorAlert error={versions.error} />
      <Table size="small" rowKey="version" pagination={false} dataSource={[...(versions.data ?? [])].reverse()} columns={[
        { title: t('版本', 'Version'), dataIndex: 'version', render: (v: number) => `v${v}` },
        { title: t('发布时间', 'Published'), dataIndex: 'publishedAt', render: dateTime },
        { title: t('发布人', 'By'), dataIndex: 'publishedBy' },
      ]} />
    </>
  );
}

function DraftList() {
  const t = useT();
  const lang = useLang();
  const drafts = useLoad(() => get<Draft[]>('/v1/rule-sets/drafts'), []);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    try {
      const active = await get<Published>('/v1/rule-sets/active').catch(() => null);
      const { version: _v, ...content } = (active?.rules ?? {}) as RuleContent & { version?: number };
      const d = await post<Draft>('/v1/rule-sets/drafts', { name: t(`基于 v${active?.version ?? 0} 的草稿`, `Draft from v${active?.version ?? 0}`), content });
      navigate('rules', d.id);
    } catch (e) {
      toastError(e, lang);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={create} loading={busy} style={{ marginBottom: 12 }} data-testid="draft-new">{t('基于当前版本新建草稿', 'New draft from the active version')}</Button>
      <ErrorAlert error={drafts.error} />
      <Table size="small" rowKey="id" pagination={false} dataSource={[...(drafts.data ?? [])].reverse()} columns={[
        { title: t('名称', 'Name'), dataIndex: 'name', render: (v: string, d: Draft) => <a onClick={() => navigate('rules', d.id)}>{v}</a> },
        { title: t('校验', 'Validation'), dataIndex: 'validation', render: (v: Draft['validation']) => (v.ok ? <Tag color="green">{t('可发布', 'publishable')}</Tag> : <Tag color="red">{v.field}</Tag>) },
        { title: t('修改时间', 'Updated'), dataIndex: 'updatedAt', render: dateTime },
      ]} />
    </>
  );
}

function DraftEditor({ draftId }: { draftId: string }) {
  const t = useT();
  const lang = useLang();
  const [refresh, setRefresh] = useState(0);
  const draft = useLoad(() => get<Draft>(`/v1/rule-sets/drafts/${draftId}`), [draftId, refresh]);
  const [json, setJson] = useState('');
  const [name, setName] = useState('');
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (draft.data) {
      setJson(JSON.stringify(draft.data.content, null, 2));
      setName(draft.data.name);
    }
  }, [draft.data]);
  if (draft.error) return <Card><ErrorAlert error={draft.error} /></Card>;
  const d = draft.data;
  if (!d) return <Card loading />;

  const save = async (content: unknown) => {
    setBusy(true);
    try {
      await put(`/v1/rule-sets/drafts/${d.id}`, { name, content });
      setRefresh((r) => r + 1);
      void message.success(t('草稿已保存', 'Draft saved'));
    } catch (e) {
      toastError(e, lang);
    } finally {
      setBusy(false);
    }
  };
  const saveJson = () => {
    try {
      return save(JSON.parse(json) as unknown);
    } catch (e) {
      void message.error(t('JSON 格式错误：', 'Not valid JSON: ') + (e as Error).message);
    }
  };
  const publish = () =>
    Modal.confirm({
      title: t('发布此草稿？', 'Publish this draft?'),
      content: t('发布后生成新的不可修改版本，并下发到所有在线终端。', 'Publishing makes the next immutable version and sends it to every connected terminal.'),
      okButtonProps: { 'data-testid': 'publish-ok' },
      onOk: async () => {
        try {
          const v = await post<Published>(`/v1/rule-sets/drafts/${d.id}/publish`);
          void message.success(t(`已发布 v${v.version}`, `Published v${v.version}`));
          navigate('rules');
        } catch (e) {
          toastError(e, lang);
        }
      },
    });

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={<Space><a onClick={() => navigate('rules')}>{t('规则', 'Rules')}</a>/<Input value={name} onChange={(e) => setName(e.target.value)} style={{ width: 280 }} /></Space>}
        extra={
          <Space>
            {d.validation.ok ? <Tag color="green" data-testid="draft-valid">{t('校验通过', 'valid')}</Tag> : <Tag color="red" data-testid="draft-valid">{t('校验未通过', 'invalid')}</Tag>}
            <Button type="primary" disabled={!d.validation.ok} onClick={publish} data-testid="publish">{t('发布新版本', 'Publish version')}</Button>
          </Space>
        }
      >
        {!d.validation.ok && <Alert type="error" showIcon message={`${d.validation.field}: ${d.validation.message}`} style={{ marginBottom: 12 }} />}
        <Typography.Title level={5}>{t('营销活动', 'Campaigns')}</Typography.Title>
        <CampaignTable campaigns={d.content.campaigns ?? []} onRemove={(id) => void save({ ...d.content, campaigns: (d.content.campaigns ?? []).filter((c) => c.campaignId !== id) })} />
        <Button icon={<PlusOutlined />} style={{ marginTop: 8 }} onClick={() => setAdding(true)} data-testid="campaign-add">{t('添加活动', 'Add campaign')}</Button>
        <CampaignModal open={adding} onClose={() => setAdding(false)} onAdd={(c) => { setAdding(false); void save({ ...d.content, campaigns: [...(d.content.campaigns ?? []), c] }); }} />
      </Card>
      <Card>
        <RuleSections content={d.content} save={(next) => void save(next)} />
      </Card>
      <Row gutter={16}>
        <Col span={12}>
          <PreviewPanel draft={d} />
        </Col>
        <Col span={12}>
          <Card title={t('完整规则（等级、积分、优惠券、充值方案，JSON）', 'Full rules (tiers, points, coupons, recharge plans; JSON)')} extra={<Button onClick={saveJson} loading={busy}>{t('保存', 'Save')}</Button>}>
            <Input.TextArea value={json} onChange={(e) => setJson(e.target.value)} autoSize={{ minRows: 12, maxRows: 28 }} style={{ fontFamily: 'monospace', fontSize: 12 }} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('金额单位为分；折扣为千分比（950 = 9.5折）。', 'Money in fen; discounts per mille (950 = 9.5折 = 5% off).')}</Typography.Text>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

function CampaignModal({ open, onClose, onAdd }: { open: boolean; onClose: () => void; onAdd: (c: Campaign) => void }) {
  const t = useT();
  const lang = useLang();
  const [form] = Form.useForm();
  const kind = (Form.useWatch('kind', form) as string | undefined) ?? 'spendThreshold';
  const submit = async () => {
    const v = (await form.validateFields()) as Record<string, any>;
    const common: Campaign = {
      kind: v.kind,
      campaignId: v.campaignId,
      name: { zh: v.nameZh, en: v.nameEn || v.nameZh },
      validFrom: `${v.range[0].format('YYYY-MM-DD')}T00:00:00+08:00`,
      validTo: `${v.range[1].format('YYYY-MM-DD')}T00:00:00+08:00`,
      audience: v.membersOnly ? 'members' : 'all',
      weekdays: v.weekdays ?? [],
      monthDays: v.monthDays ?? [],
      exclusive: !!v.exclusive,
    };
    const perMille = (zhe: number) => Math.round(zhe * 100);
    const extra: Record<string, Record<string, unknown>> = {
      spendThreshold: { thresholdFen: parseYuan(String(v.threshold)), offFen: parseYuan(String(v.off)), repeat: !!v.repeat },
      percentOff: { discountPerMille: perMille(v.zhe) },
      nthItem: { n: v.n, discountPerMille: perMille(v.zhe) },
      buyNGetM: { buy: v.buy, free: v.free },
      bundle: { items: String(v.items).split(/[,，\s]+/).filter(Boolean).map((p: string) => { const [sku, units] = p.split(/[x×*]/); return { sku: sku!, units: Number(units ?? 1) }; }), priceFen: parseYuan(String(v.price)) },
      pointsMultiplier: { multiplierPerMille: Math.round(v.multiplier * 1000) },
      birthday: { when: v.when ?? 'day', multiplierPerMille: Math.round((v.multiplier ?? 1) * 1000), fixedPoints: v.fixedPoints ?? 0 },
    };
    onAdd({ ...common, ...extra[v.kind] });
    form.resetFields();
  };
  const money = [{ required: true, validator: async (_r: unknown, val: unknown) => { if (!((parseYuan(String(val ?? '')) ?? 0) > 0)) throw new Error(t('请输入金额', 'enter an amount')); } }];
  return (
    <Modal open={open} title={t('添加活动', 'Add a campaign')} onCancel={onClose} onOk={submit} width={640} okButtonProps={{ 'data-testid': 'campaign-ok' }} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ kind: 'spendThreshold', range: [dayjs().startOf('day'), dayjs().startOf('day').add(1, 'year')] }}>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item label={t('类型', 'Kind')} name="kind" rules={[{ required: true }]}>
              <Select data-testid="campaign-kind" options={Object.entries(CAMPAIGN_KINDS).filter(([k]) => k !== 'memberPrice').map(([k, v]) => ({ value: k, label: lang === 'zh' ? v[0] : v[1] }))} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label="ID" name="campaignId" rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,64}$/ }]}>
              <Input data-testid="campaign-id" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('名称（中文）', 'Name (Chinese)')} name="nameZh" rules={[{ required: true }]}>
              <Input data-testid="campaign-name" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('名称（英文）', 'Name (English)')} name="nameEn">
              <Input />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item label={t('有效期（含起始日，不含结束日）', 'Valid (from, to exclusive)')} name="range" rules={[{ required: true }]}>
              <DatePicker.RangePicker data-testid="campaign-range" />
            </Form.Item>
          </Col>
        </Row>
        {kind === 'spendThreshold' && (
          <Row gutter={12}>
            <Col span={8}><Form.Item label={t('满（元）', 'Threshold (yuan)')} name="threshold" rules={money}><Input data-testid="campaign-threshold" /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('减（元）', 'Off (yuan)')} name="off" rules={money}><Input data-testid="campaign-off" /></Form.Item></Col>
            <Col span={8}><Form.Item label=" " name="repeat" valuePropName="checked"><Checkbox>{t('每满（可叠加）', 'every (repeats)')}</Checkbox></Form.Item></Col>
          </Row>
        )}
        {(kind === 'percentOff' || kind === 'nthItem') && (
          <Row gutter={12}>
            {kind === 'nthItem' && <Col span={8}><Form.Item label={t('第 N 件', 'N-th item')} name="n" rules={[{ required: true }]}><InputNumber min={2} max={100} /></Form.Item></Col>}
            <Col span={8}><Form.Item label={t('折扣（折，如 8.5）', 'Discount (折, e.g. 8.5)')} name="zhe" rules={[{ required: true }]}><InputNumber min={0} max={10} step={0.5} /></Form.Item></Col>
          </Row>
        )}
        {kind === 'buyNGetM' && (
          <Row gutter={12}>
            <Col span={8}><Form.Item label={t('买', 'Buy')} name="buy" rules={[{ required: true }]}><InputNumber min={1} max={100} /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('送', 'Free')} name="free" rules={[{ required: true }]}><InputNumber min={1} max={100} /></Form.Item></Col>
          </Row>
        )}
        {kind === 'bundle' && (
          <Row gutter={12}>
            <Col span={16}><Form.Item label={t('商品（SKU×件数，逗号分隔）', 'Items (SKU×units, comma-separated)')} name="items" rules={[{ required: true }]}><Input placeholder="MILK-1L×1, BREAD-400×1" /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('套餐价（元）', 'Bundle price (yuan)')} name="price" rules={money}><Input /></Form.Item></Col>
          </Row>
        )}
        {(kind === 'pointsMultiplier' || kind === 'birthday') && (
          <Row gutter={12}>
            <Col span={8}><Form.Item label={t('积分倍数', 'Points multiplier')} name="multiplier" rules={[{ required: kind === 'pointsMultiplier' }]}><InputNumber min={1} max={100} step={0.5} /></Form.Item></Col>
            {kind === 'birthday' && <Col span={8}><Form.Item label={t('额外积分', 'Extra points')} name="fixedPoints"><InputNumber min={0} /></Form.Item></Col>}
            {kind === 'birthday' && <Col span={8}><Form.Item label={t('生日当天/当月', 'Day or month')} name="when"><Select options={[{ value: 'day', label: t('当天', 'day') }, { value: 'month', label: t('当月', 'month') }]} /></Form.Item></Col>}
          </Row>
        )}
        <Row gutter={12}>
          <Col span={10}><Form.Item label={t('会员日：每周', 'Member day: weekdays')} name="weekdays"><Select mode="multiple" options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: t(`周${'一二三四五六日'[d - 1]}`, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][d - 1]!) }))} /></Form.Item></Col>
          <Col span={8}><Form.Item label={t('每月几号', 'Days of month')} name="monthDays"><Select mode="multiple" options={Array.from({ length: 31 }, (_, i) => ({ value: i + 1, label: String(i + 1) }))} /></Form.Item></Col>
          <Col span={6}>
            <Form.Item label=" " name="membersOnly" valuePropName="checked"><Checkbox>{t('仅会员', 'members only')}</Checkbox></Form.Item>
          </Col>
        </Row>
        <Form.Item name="exclusive" valuePropName="checked"><Checkbox>{t('与其他互斥活动不叠加', 'exclusive (does not combine)')}</Checkbox></Form.Item>
      </Form>
    </Modal>
  );
}

interface PreviewResult {
  now: string;
  totals: Record<string, number>;
  lines: { sku: string; name: Text; quantity: number; grossFen: number; payableFen: number }[];
  campaigns: { applied: { campaignId: string; kind: string; amountFen: number }[]; rejected: { id: string; reason: string }[] };
  coupons?: { accepted: { couponId: string; couponDefId: string; amountFen: number }[]; rejected: { id: string; reason: string }[] };
  points: { earned: number; eligible: boolean };
  explanation: Text[];
}

function PreviewPanel({ draft }: { draft: Draft }) {
  const t = useT();
  const lang = useLang();
  const session = useSession();
  const catalogue = useLoad(() => get<{ items: { sku: string; name: Text; unitPriceFen: number }[] }>('/v1/catalogue/items?limit=500').then((r) => r.items).catch(() => []), []);
  const [storeId, setStoreId] = useState(session.stores[0]?.id);
  const [tierId, setTierId] = useState<string | null>(null);
  const [couponDefIds, setCouponDefIds] = useState<string[]>([]);
  const [lines, setLines] = useState<{ sku: string; quantity: number }[]>([]);
  const [result, setResult] = useState<PreviewResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (lines.length === 0 && catalogue.data && catalogue.data.length > 0) setLines(catalogue.data.slice(0, 2).map((i) => ({ sku: i.sku, quantity: 2 })));
  }, [catalogue.data, lines.length]);
  const run = async () => {
    setError(null);
    try {
      setResult(await post<PreviewResult>(`/v1/rule-sets/drafts/${draft.id}/preview`, { storeId, lines, member: tierId === null ? null : { tierId: tierId === '' ? null : tierId }, couponDefIds }));
    } catch (e) {
      setResult(null);
      setError(e);
    }
  };
  const items = catalogue.data ?? [];
  return (
    <Card title={t('样例购物篮预览（引擎计算）', 'Preview on a sample basket (engine)')} extra={<Button type="primary" onClick={run} data-testid="preview-run">{t('预览', 'Preview')}</Button>}>
      <Space wrap style={{ marginBottom: 8 }}>
        <Select style={{ width: 180 }} value={storeId} onChange={setStoreId} options={session.stores.map((s) => ({ value: s.id, label: s.name }))} />
        <Select style={{ width: 180 }} value={tierId} onChange={setTierId} options={[{ value: null as unknown as string, label: t('非会员', 'walk-in') }, { value: '', label: t('会员（无等级）', 'member, no tier') }, ...(draft.content.tiers ?? []).map((x) => ({ value: x.tierId, label: lang === 'zh' ? x.name.zh : x.name.en }))]} />
        {(draft.content.coupons ?? []).length > 0 && (
          <Select mode="multiple" allowClear style={{ minWidth: 220 }} data-testid="preview-coupons" placeholder={t('出示优惠券', 'Coupons presented')} value={couponDefIds} onChange={setCouponDefIds} options={(draft.content.coupons ?? []).map((c) => ({ value: c.couponDefId, label: `${lang === 'zh' ? c.name.zh : c.name.en} (${c.couponDefId})`, title: c.couponDefId }))} />
        )}
      </Space>
      {items.length === 0 && <Alert type="warning" message={t('价目表为空：请先通过 /v1/catalogue/items 上传商品。', 'The price list is empty: upload items through /v1/catalogue/items first.')} />}
      {lines.map((l, i) => (
        <Space key={i} style={{ display: 'flex', marginBottom: 6 }}>
          <Select style={{ width: 240 }} data-testid={`preview-sku-${i}`} value={l.sku} onChange={(sku) => setLines(lines.map((x, j) => (j === i ? { ...x, sku } : x)))} options={items.map((it) => ({ value: it.sku, label: `${lang === 'zh' ? it.name.zh : it.name.en} ${yuan(it.unitPriceFen)}` }))} />
          <InputNumber min={1} max={1000} value={l.quantity} onChange={(q) => setLines(lines.map((x, j) => (j === i ? { ...x, quantity: q ?? 1 } : x)))} data-testid={`preview-qty-${i}`} />
          <Button type="text" icon={<DeleteOutlined />} onClick={() => setLines(lines.filter((_, j) => j !== i))} />
        </Space>
      ))}
      {items.length > 0 && <Button size="small" icon={<PlusOutlined />} onClick={() => setLines([...lines, { sku: items[0]!.sku, quantity: 1 }])}>{t('加商品', 'Add item')}</Button>}
      <ErrorAlert error={error} />
      {result && (
        <div data-testid="preview-result" style={{ marginTop: 12 }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('原价', 'Gross')}>{yuan(result.totals.grossFen)}</Descriptions.Item>
            <Descriptions.Item label={t('优惠', 'Discount')}><span data-testid="preview-discount">{yuan(result.totals.discountFen)}</span></Descriptions.Item>
            <Descriptions.Item label={t('抹零', 'Rounding')}>{yuan(result.totals.roundingFen)}</Descriptions.Item>
            <Descriptions.Item label={t('应付', 'Payable')}><b data-testid="preview-payable">{yuan(result.totals.payableFen)}</b></Descriptions.Item>
            <Descriptions.Item label={t('积分', 'Points')}>{result.points.eligible ? result.points.earned : t('非会员不积分', 'walk-in: none')}</Descriptions.Item>
          </Descriptions>
          <Space wrap style={{ marginTop: 8 }}>
            {result.campaigns.applied.map((c) => <Tag color="green" key={c.campaignId} data-testid="preview-applied">{c.campaignId} −{yuan(c.amountFen)}</Tag>)}
            {result.campaigns.rejected.map((c) => <Tag key={c.id}>{c.id}: {c.reason}</Tag>)}
            {result.coupons?.accepted.map((c) => <Tag color="blue" key={c.couponId} data-testid="preview-coupon">{t('券', 'coupon')} {c.couponDefId} −{yuan(c.amountFen)}</Tag>)}
            {result.coupons?.rejected.map((c) => <Tag key={c.id}>{t('券', 'coupon')} {couponDefIds[Number(c.id.replace('preview-', '')) - 1] ?? c.id}: {c.reason}</Tag>)}
          </Space>
          <ul style={{ marginTop: 8, paddingLeft: 18 }}>
            {result.explanation.map((e, i) => <li key={i}>{lang === 'zh' ? e.zh : e.en}</li>)}
          </ul>
        </div>
      )}
    </Card>
  );
}
