// Structured editors for the parts of a draft HQ changes most: tiers (with growth thresholds), the
// points earn rate, coupon definitions (amountOff / percentOff with a cap / gift, per the engine's
// CouponDefinition) and recharge plans with several steps. Each edits the draft's JSON and saves it
// through the same PUT as the JSON editor; the engine's schema validates it either way.
import { DeleteOutlined, EditOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Col, Form, Input, InputNumber, Modal, Row, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { parseYuan, yuan } from './format.js';
import { useLang, useT } from './i18n.js';

type Text = { zh: string; en: string };
export interface TierRule {
  tierId: string;
  name: Text;
  growthThreshold: number;
  discountPerMille?: number;
  pointsRatePerMille?: number;
}
export interface PlanRule {
  planId: string;
  name: Text;
  mode?: string;
  steps: { minPaidFen: number; bonusFen?: number; bonusPoints?: number }[];
  maxTimes?: number;
}
export interface CouponRule {
  couponDefId: string;
  kind: 'amountOff' | 'percentOff' | 'gift';
  name: Text;
  validFrom: string;
  validTo: string;
  thresholdFen?: number;
  stackable?: boolean;
  offFen?: number;
  discountPerMille?: number;
  capFen?: number;
  sku?: string;
  units?: number;
  [k: string]: unknown;
}
interface Editable {
  tiers?: TierRule[];
  points?: { earnPerYuanPerMille?: number; [k: string]: unknown };
  coupons?: CouponRule[];
  rechargePlans?: PlanRule[];
  [k: string]: unknown;
}

/** China time, as the campaign editor writes it: a day starts at 00:00 +08:00. */
const dayStart = (day: string) => `${day}T00:00:00+08:00`;
/** The day (China time) of an ISO instant, for the form. */
const dayOf = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);

export function couponText(c: CouponRule, t: (zh: string, en: string) => string): string {
  const over = c.thresholdFen ? t(`满${yuan(c.thresholdFen)}`, `over ${yuan(c.thresholdFen)}`) + ' ' : '';
  switch (c.kind) {
    case 'amountOff':
      return over + t(`减${yuan(c.offFen ?? 0)}`, `${yuan(c.offFen ?? 0)} off`);
    case 'percentOff':
      return over + `${(c.discountPerMille ?? 1000) / 100}折` + (c.capFen !== undefined ? t(`，最多减${yuan(c.capFen)}`, `, at most ${yuan(c.capFen)} off`) : '');
    default:
      return over + t(`赠 ${c.sku} × ${c.units ?? 1}`, `free ${c.sku} × ${c.units ?? 1}`);
  }
}

export function RuleSections({ content, save }: { content: Editable; save: (next: Editable) => void }) {
  const t = useT();
  const lang = useLang();
  const [tierOpen, setTierOpen] = useState(false);
  const [planOpen, setPlanOpen] = useState(false);
  const [couponOpen, setCouponOpen] = useState(false);
  const [tierForm] = Form.useForm();
  const [planForm] = Form.useForm();
  const [couponForm] = Form.useForm();
  const couponKind = Form.useWatch('kind', couponForm) as CouponRule['kind'] | undefined;
  const tiers = content.tiers ?? [];
  const plans = content.rechargePlans ?? [];
  const coupons = content.coupons ?? [];
  const name = (n: Text) => (lang === 'zh' ? n.zh : n.en);
  const addTier = async () => {
    const v = await tierForm.validateFields();
    const tier: TierRule = { tierId: v.tierId, name: { zh: v.nameZh, en: v.nameEn || v.nameZh }, growthThreshold: v.growthThreshold, discountPerMille: Math.round((v.zhe ?? 10) * 100), pointsRatePerMille: Math.round((v.pointsRate ?? 1) * 1000) };
    save({ ...content, tiers: [...tiers.filter((x) => x.tierId !== tier.tierId), tier].sort((a, b) => a.growthThreshold - b.growthThreshold) });
    setTierOpen(false);
    tierForm.resetFields();
  };
  const addPlan = async () => {
    const v = await planForm.validateFields();
    const steps = (v.steps as { minPaid: string; bonus?: string; bonusPoints?: number }[])
      .map((st) => ({ minPaidFen: parseYuan(String(st.minPaid))!, bonusFen: parseYuan(String(st.bonus || '0')) ?? 0, bonusPoints: st.bonusPoints ?? 0 }))
      .sort((a, b) => a.minPaidFen - b.minPaidFen);
    const old = plans.find((x) => x.planId === v.planId);
    const plan: PlanRule = { ...(old ?? {}), planId: v.planId, name: { zh: v.nameZh, en: v.nameEn || v.nameZh }, mode: v.mode, steps, ...(v.maxTimes ? { maxTimes: v.maxTimes } : {}) };
    save({ ...content, rechargePlans: [...plans.filter((x) => x.planId !== plan.planId), plan] });
    setPlanOpen(false);
    planForm.resetFields();
  };
  const editPlan = (p: PlanRule) => {
    planForm.setFieldsValue({ planId: p.planId, nameZh: p.name.zh, nameEn: p.name.en, mode: p.mode ?? 'tiered', maxTimes: p.maxTimes, steps: p.steps.map((st) => ({ minPaid: yuan(st.minPaidFen).replace(/[¥,]/g, ''), bonus: yuan(st.bonusFen ?? 0).replace(/[¥,]/g, ''), bonusPoints: st.bonusPoints ?? 0 })) });
    setPlanOpen(true);
  };
  const addCoupon = async () => {
    const v = await couponForm.validateFields();
    const old = coupons.find((x) => x.couponDefId === v.couponDefId);
    // Store and tier scopes, item scope and other fields the form does not show are kept from the old definition.
    const { offFen: _o, discountPerMille: _d, capFen: _c, sku: _s, units: _u, ...kept } = old ?? ({} as Partial<CouponRule>);
    const byKind: Record<CouponRule['kind'], Partial<CouponRule>> = {
      amountOff: { offFen: parseYuan(String(v.off))! },
      percentOff: { discountPerMille: Math.round(v.zhe * 100), ...(v.cap ? { capFen: parseYuan(String(v.cap))! } : {}) },
      gift: { sku: v.sku, units: v.units ?? 1 },
    };
    const coupon = {
      ...kept,
      couponDefId: v.couponDefId,
      kind: v.kind,
      name: { zh: v.nameZh, en: v.nameEn || v.nameZh },
      validFrom: dayStart(v.validFrom),
      validTo: dayStart(v.validTo),
      thresholdFen: parseYuan(String(v.threshold || '0')) ?? 0,
      stackable: !!v.stackable,
      ...byKind[v.kind as CouponRule['kind']],
    } as CouponRule;
    save({ ...content, coupons: [...coupons.filter((x) => x.couponDefId !== coupon.couponDefId), coupon] });
    setCouponOpen(false);
    couponForm.resetFields();
  };
  const editCoupon = (c: CouponRule) => {
    const plain = (fen?: number) => (fen === undefined ? undefined : yuan(fen).replace(/[¥,]/g, ''));
    couponForm.setFieldsValue({ couponDefId: c.couponDefId, kind: c.kind, nameZh: c.name.zh, nameEn: c.name.en, validFrom: dayOf(c.validFrom), validTo: dayOf(c.validTo), threshold: plain(c.thresholdFen ?? 0), stackable: !!c.stackable, off: plain(c.offFen), zhe: c.discountPerMille === undefined ? undefined : c.discountPerMille / 100, cap: plain(c.capFen), sku: c.sku, units: c.units });
    setCouponOpen(true);
  };
  const money = [{ required: true, validator: async (_r: unknown, val: unknown) => { if ((parseYuan(String(val ?? '')) ?? -1) < 0) throw new Error(t('请输入金额', 'enter an amount')); } }];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={5}>{t('等级与成长值', 'Tiers and growth')}</Typography.Title>
      <Table size="small" rowKey="tierId" pagination={false} dataSource={tiers} columns={[
        { title: 'ID', dataIndex: 'tierId' },
        { title: t('名称', 'Name'), dataIndex: 'name', render: name },
        { title: t('成长值门槛', 'Growth threshold'), dataIndex: 'growthThreshold' },
        { title: t('折扣', 'Discount'), dataIndex: 'discountPerMille', render: (v?: number) => (v && v < 1000 ? `${v / 100}折` : '—') },
        { title: t('积分倍率', 'Points rate'), dataIndex: 'pointsRatePerMille', render: (v?: number) => `${(v ?? 1000) / 1000}×` },
        { title: '', key: 'x', render: (_: unknown, r: TierRule) => <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => save({ ...content, tiers: tiers.filter((x) => x.tierId !== r.tierId) })} /> },
      ]} />
      <Space>
        <Button size="small" icon={<PlusOutlined />} onClick={() => setTierOpen(true)}>{t('添加或修改等级', 'Add or change a tier')}</Button>
        <Typography.Text>{t('积分：每元', 'Points per yuan')}</Typography.Text>
        <InputNumber size="small" min={0} max={100} step={0.1} value={(content.points?.earnPerYuanPerMille ?? 1000) / 1000} onChange={(v) => v !== null && save({ ...content, points: { ...(content.points ?? {}), earnPerYuanPerMille: Math.round(v * 1000) } })} />
      </Space>
      <Typography.Title level={5}>{t('优惠券定义', 'Coupon definitions')}</Typography.Title>
      <Table data-testid="coupon-defs" size="small" rowKey="couponDefId" pagination={false} dataSource={coupons} columns={[
        { title: 'ID', dataIndex: 'couponDefId' },
        { title: t('名称', 'Name'), dataIndex: 'name', render: name },
        { title: t('优惠', 'Benefit'), key: 'b', render: (_: unknown, c: CouponRule) => couponText(c, t) },
        { title: t('有效期', 'Valid'), key: 'v', render: (_: unknown, c: CouponRule) => `${dayOf(c.validFrom)} → ${dayOf(c.validTo)}` },
        { title: t('可叠加', 'Stackable'), dataIndex: 'stackable', render: (v?: boolean) => (v ? t('是', 'yes') : t('否', 'no')) },
        { title: '', key: 'x', render: (_: unknown, c: CouponRule) => (
          <Space size={0}>
            <Button size="small" type="text" icon={<EditOutlined />} onClick={() => editCoupon(c)} />
            <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => save({ ...content, coupons: coupons.filter((x) => x.couponDefId !== c.couponDefId) })} />
          </Space>
        ) },
      ]} />
      <Button size="small" icon={<PlusOutlined />} data-testid="coupon-add" onClick={() => { couponForm.resetFields(); setCouponOpen(true); }}>{t('添加优惠券定义', 'Add a coupon definition')}</Button>
      <Typography.Title level={5}>{t('充值方案', 'Recharge plans')}</Typography.Title>
      <Table data-testid="plan-table" size="small" rowKey="planId" pagination={false} dataSource={plans} columns={[
        { title: 'ID', dataIndex: 'planId' },
        { title: t('名称', 'Name'), dataIndex: 'name', render: name },
        { title: t('方式', 'Mode'), dataIndex: 'mode', render: (v?: string) => (v === 'repeat' ? t('每充', 'per step') : t('阶梯', 'tiered')) },
        { title: t('档位', 'Steps'), dataIndex: 'steps', render: (steps: PlanRule['steps']) => steps.map((s) => `${yuan(s.minPaidFen)} → +${yuan(s.bonusFen ?? 0)}${s.bonusPoints ? ` +${s.bonusPoints}pt` : ''}`).join('; ') },
        { title: t('次数上限', 'Max times'), dataIndex: 'maxTimes', render: (v?: number) => v ?? '—' },
        { title: '', key: 'x', render: (_: unknown, r: PlanRule) => (
          <Space size={0}>
            <Button size="small" type="text" icon={<EditOutlined />} onClick={() => editPlan(r)} />
            <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => save({ ...content, rechargePlans: plans.filter((x) => x.planId !== r.planId) })} />
          </Space>
        ) },
      ]} />
      <Button size="small" icon={<PlusOutlined />} onClick={() => { planForm.resetFields(); setPlanOpen(true); }}>{t('添加或修改充值方案', 'Add or change a recharge plan')}</Button>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('券的门店、等级和商品范围及其他设置请在右侧 JSON 中编辑。', "Coupons' store, tier and item scopes and other settings: edit the JSON on the right.")}</Typography.Text>

      <Modal open={tierOpen} title={t('等级', 'Tier')} onCancel={() => setTierOpen(false)} onOk={addTier} destroyOnHidden>
        <Form form={tierForm} layout="vertical" initialValues={{ growthThreshold: 0, zhe: 10, pointsRate: 1 }}>
          <Row gutter={12}>
            <Col span={8}><Form.Item label="ID" name="tierId" rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,64}$/ }]}><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('名称（中文）', 'Name (Chinese)')} name="nameZh" rules={[{ required: true }]}><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('名称（英文）', 'Name (English)')} name="nameEn"><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('成长值门槛', 'Growth threshold')} name="growthThreshold" rules={[{ required: true }]}><InputNumber min={0} /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('折扣（折）', 'Discount (折)')} name="zhe"><InputNumber min={0} max={10} step={0.5} /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('积分倍率', 'Points rate ×')} name="pointsRate"><InputNumber min={0} max={100} step={0.5} /></Form.Item></Col>
          </Row>
        </Form>
      </Modal>
      <Modal open={planOpen} title={t('充值方案', 'Recharge plan')} onCancel={() => setPlanOpen(false)} onOk={addPlan} width={640} okButtonProps={{ 'data-testid': 'plan-ok' } as Record<string, string>} forceRender>
        <Form form={planForm} name="plan" layout="vertical" initialValues={{ mode: 'tiered', steps: [{}] }}>
          <Row gutter={12}>
            <Col span={8}><Form.Item label="ID" name="planId" rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,64}$/ }]}><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('名称（中文）', 'Name (Chinese)')} name="nameZh" rules={[{ required: true }]}><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('名称（英文）', 'Name (English)')} name="nameEn"><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('方式', 'Mode')} name="mode" tooltip={t('满额送：按达到的最高档送；每充送：每满一档送一次', 'tiered: the bonus of the highest step reached; per step: the bonus for every full step')}><Select options={[{ value: 'tiered', label: t('满额送', 'tiered') }, { value: 'repeat', label: t('每充送', 'per step') }]} /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('每会员次数上限', 'Max times per member')} name="maxTimes"><InputNumber min={1} max={1000} precision={0} /></Form.Item></Col>
          </Row>
          <Typography.Text strong>{t('档位', 'Steps')}</Typography.Text>
          <Form.List name="steps">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Row gutter={12} key={f.key} align="bottom">
                    <Col span={7}><Form.Item label={t('充（元）', 'Pay (yuan)')} name={[f.name, 'minPaid']} rules={money}><Input /></Form.Item></Col>
                    <Col span={7}><Form.Item label={t('送（元）', 'Bonus (yuan)')} name={[f.name, 'bonus']}><Input /></Form.Item></Col>
                    <Col span={7}><Form.Item label={t('送积分', 'Bonus points')} name={[f.name, 'bonusPoints']}><InputNumber min={0} precision={0} /></Form.Item></Col>
                    <Col span={3}>{fields.length > 1 && <Form.Item><Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} /></Form.Item>}</Col>
                  </Row>
                ))}
                <Button size="small" icon={<PlusOutlined />} onClick={() => add({})} data-testid="plan-step-add">{t('加一档', 'Add a step')}</Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
      <Modal open={couponOpen} title={t('优惠券定义', 'Coupon definition')} onCancel={() => setCouponOpen(false)} onOk={addCoupon} width={640} okButtonProps={{ 'data-testid': 'coupon-ok' } as Record<string, string>} forceRender>
        <Form form={couponForm} name="coupon" layout="vertical" initialValues={{ kind: 'amountOff', units: 1 }}>
          <Row gutter={12}>
            <Col span={8}><Form.Item label="ID" name="couponDefId" rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,64}$/ }]}><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('名称（中文）', 'Name (Chinese)')} name="nameZh" rules={[{ required: true }]}><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('名称（英文）', 'Name (English)')} name="nameEn"><Input /></Form.Item></Col>
            <Col span={8}>
              <Form.Item label={t('类型', 'Kind')} name="kind" rules={[{ required: true }]}>
                <Select data-testid="coupon-kind" options={[{ value: 'amountOff', label: t('满减券', 'amount off'), title: 'amountOff' }, { value: 'percentOff', label: t('折扣券', 'percent off'), title: 'percentOff' }, { value: 'gift', label: t('赠品券', 'gift item'), title: 'gift' }]} />
              </Form.Item>
            </Col>
            <Col span={8}><Form.Item label={t('使用门槛（元，0 = 无门槛）', 'Min spend (yuan, 0 = none)')} name="threshold"><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label=" " name="stackable" valuePropName="checked"><Checkbox>{t('可与其他券叠加', 'stackable')}</Checkbox></Form.Item></Col>
            {couponKind === 'amountOff' && <Col span={8}><Form.Item label={t('减（元）', 'Off (yuan)')} name="off" rules={money}><Input /></Form.Item></Col>}
            {couponKind === 'percentOff' && (
              <>
                <Col span={8}><Form.Item label={t('折扣（折，如 8.5）', 'Discount (折, e.g. 8.5)')} name="zhe" rules={[{ required: true }]}><InputNumber min={0} max={10} step={0.5} /></Form.Item></Col>
                <Col span={8}><Form.Item label={t('最多减（元，可空）', 'At most off (yuan, optional)')} name="cap"><Input /></Form.Item></Col>
              </>
            )}
            {couponKind === 'gift' && (
              <>
                <Col span={8}><Form.Item label={t('赠品 SKU', 'Gift SKU')} name="sku" rules={[{ required: true, max: 64 }]}><Input /></Form.Item></Col>
                <Col span={8}><Form.Item label={t('件数', 'Units')} name="units" rules={[{ required: true }]}><InputNumber min={1} max={100} precision={0} /></Form.Item></Col>
              </>
            )}
            <Col span={12}><Form.Item label={t('生效日（中国时间）', 'Valid from (China time)')} name="validFrom" rules={[{ required: true }]}><Input type="date" /></Form.Item></Col>
            <Col span={12}><Form.Item label={t('失效日（不含）', 'Valid to (exclusive)')} name="validTo" rules={[{ required: true }]}><Input type="date" /></Form.Item></Col>
          </Row>
        </Form>
      </Modal>
    </Space>
  );
}
