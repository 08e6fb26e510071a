// Structured editors for the parts of a draft HQ changes most: tiers (with growth thresholds), the
// points earn rate and recharge plans. Each edits the draft's JSON and saves it through the same PUT
// as the JSON editor; the engine's schema validates it either way.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, Form, Input, InputNumber, Modal, Row, Select, Space, Table, Typography } from 'antd';
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
interface Editable {
  tiers?: TierRule[];
  points?: { earnPerYuanPerMille?: number; [k: string]: unknown };
  rechargePlans?: PlanRule[];
  [k: string]: unknown;
}

export function RuleSections({ content, save }: { content: Editable; save: (next: Editable) => void }) {
  const t = useT();
  const lang = useLang();
  const [tierOpen, setTierOpen] = useState(false);
  const [planOpen, setPlanOpen] = useState(false);
  const [tierForm] = Form.useForm();
  const [planForm] = Form.useForm();
  const tiers = content.tiers ?? [];
  const plans = content.rechargePlans ?? [];
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
    const plan: PlanRule = { planId: v.planId, name: { zh: v.nameZh, en: v.nameEn || v.nameZh }, mode: v.mode, steps: [{ minPaidFen: parseYuan(String(v.minPaid))!, bonusFen: parseYuan(String(v.bonus ?? '0')) ?? 0, bonusPoints: v.bonusPoints ?? 0 }] };
    save({ ...content, rechargePlans: [...plans.filter((x) => x.planId !== plan.planId), plan] });
    setPlanOpen(false);
    planForm.resetFields();
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
      <Typography.Title level={5}>{t('充值方案', 'Recharge plans')}</Typography.Title>
      <Table size="small" rowKey="planId" pagination={false} dataSource={plans} columns={[
        { title: 'ID', dataIndex: 'planId' },
        { title: t('名称', 'Name'), dataIndex: 'name', render: name },
        { title: t('方式', 'Mode'), dataIndex: 'mode', render: (v?: string) => (v === 'repeat' ? t('每充', 'per step') : t('阶梯', 'tiered')) },
        { title: t('档位', 'Steps'), dataIndex: 'steps', render: (steps: PlanRule['steps']) => steps.map((s) => `${yuan(s.minPaidFen)} → +${yuan(s.bonusFen ?? 0)}${s.bonusPoints ? ` +${s.bonusPoints}pt` : ''}`).join('; ') },
        { title: '', key: 'x', render: (_: unknown, r: PlanRule) => <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => save({ ...content, rechargePlans: plans.filter((x) => x.planId !== r.planId) })} /> },
      ]} />
      <Button size="small" icon={<PlusOutlined />} onClick={() => setPlanOpen(true)}>{t('添加或修改充值方案', 'Add or change a recharge plan')}</Button>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('多档位方案、优惠券定义和其他设置请在右侧 JSON 中编辑。', 'Plans with several steps, coupon definitions and other settings: edit the JSON on the right.')}</Typography.Text>

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
      <Modal open={planOpen} title={t('充值方案', 'Recharge plan')} onCancel={() => setPlanOpen(false)} onOk={addPlan} destroyOnHidden>
        <Form form={planForm} layout="vertical" initialValues={{ mode: 'tiered' }}>
          <Row gutter={12}>
            <Col span={8}><Form.Item label="ID" name="planId" rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,64}$/ }]}><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('名称（中文）', 'Name (Chinese)')} name="nameZh" rules={[{ required: true }]}><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('名称（英文）', 'Name (English)')} name="nameEn"><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('方式', 'Mode')} name="mode"><Select options={[{ value: 'tiered', label: t('满额送', 'tiered') }, { value: 'repeat', label: t('每充送', 'per step') }]} /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('充（元）', 'Pay (yuan)')} name="minPaid" rules={money}><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('送（元）', 'Bonus (yuan)')} name="bonus"><Input /></Form.Item></Col>
            <Col span={8}><Form.Item label={t('送积分', 'Bonus points')} name="bonusPoints"><InputNumber min={0} /></Form.Item></Col>
          </Row>
        </Form>
      </Modal>
    </Space>
  );
}
