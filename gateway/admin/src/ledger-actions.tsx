// Money-moving dialogs shared by the member view and the stored-value screen: recharge by plan and
// the manager adjustment. Each sends one idempotency key per dialog, so a double click is one recharge.
import { Alert, Form, Input, Modal, Select, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { get, idempotencyKey, post } from './api.js';
import { toastError } from './errors.js';
import { parseYuan, yuan } from './format.js';
import { useLang, useT } from './i18n.js';
import { useLoad } from './use-load.js';

export interface RechargePlan {
  planId: string;
  name: { zh: string; en: string };
  mode: 'tiered' | 'repeat';
  steps: { minPaidFen: number; bonusFen: number; bonusPoints: number }[];
  maxTimes: number;
}

/** The bonus a plan gives for a paid amount, as the engine's planRecharge computes it (shown before confirming). */
export function planBonus(plan: RechargePlan, paidFen: number): { bonusFen: number; bonusPoints: number } {
  if (plan.mode === 'repeat') {
    const step = plan.steps[0]!;
    const times = Math.min(Math.floor(paidFen / step.minPaidFen), plan.maxTimes);
    return { bonusFen: times * step.bonusFen, bonusPoints: times * step.bonusPoints };
  }
  const reached = plan.steps.filter((s) => paidFen >= s.minPaidFen).sort((a, b) => b.minPaidFen - a.minPaidFen)[0];
  return { bonusFen: reached?.bonusFen ?? 0, bonusPoints: reached?.bonusPoints ?? 0 };
}

export function RechargeModal({ cardNos, open, onClose, onDone }: { cardNos: string[]; open: boolean; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const lang = useLang();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const key = useMemo(() => idempotencyKey('recharge'), [open]);
  const plans = useLoad(() => get<{ rules: { rechargePlans: RechargePlan[] } }>('/v1/rule-sets/active').then((r) => r.rules.rechargePlans), []);
  const paid = parseYuan(Form.useWatch('paid', form) ?? '') ?? 0;
  const planId = Form.useWatch('planId', form) as string | undefined;
  const plan = plans.data?.find((p) => p.planId === planId);
  const bonus = plan && paid > 0 ? planBonus(plan, paid) : null;
  const submit = async () => {
    const v = (await form.validateFields()) as { cardNo: string; paid: string; planId?: string };
    setBusy(true);
    try {
      await post('/v1/recharges', { idempotencyKey: key, cardNo: v.cardNo, paidFen: parseYuan(v.paid), ...(v.planId ? { planId: v.planId } : {}) });
      onDone();
      onClose();
    } catch (e) {
      toastError(e, lang);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={t('按方案充值', 'Recharge by plan')} onCancel={onClose} onOk={submit} confirmLoading={busy} okText={t('确认充值', 'Recharge')} destroyOnHidden okButtonProps={{ 'data-testid': 'recharge-ok' }}>
      <Form form={form} layout="vertical" initialValues={{ cardNo: cardNos[0] }}>
        <Form.Item label={t('卡号', 'Card')} name="cardNo" rules={[{ required: true }]}>
          <Select options={cardNos.map((c) => ({ value: c, label: c }))} data-testid="recharge-card" />
        </Form.Item>
        <Form.Item label={t('充值方案', 'Recharge plan')} name="planId">
          <Select allowClear placeholder={t('不选：自动选赠送最多的方案', 'none: the live plan giving the most bonus')} options={(plans.data ?? []).map((p) => ({ value: p.planId, label: lang === 'zh' ? p.name.zh : p.name.en }))} data-testid="recharge-plan" />
        </Form.Item>
        <Form.Item label={t('实收金额（元）', 'Amount paid (yuan)')} name="paid" rules={[{ required: true, validator: async (_r, v) => { if (!(parseYuan(v ?? '') ?? 0 > 0)) throw new Error(t('请输入金额', 'enter an amount')); } }]}>
          <Input inputMode="decimal" data-testid="recharge-amount" />
        </Form.Item>
      </Form>
      {paid > 0 && (
        <Alert
          type="info"
          message={
            plan && bonus
              ? t(`本金增加 ${yuan(paid)}，赠送 ${yuan(bonus.bonusFen)}${bonus.bonusPoints ? `、${bonus.bonusPoints} 积分` : ''}`, `Principal +${yuan(paid)}, bonus ${yuan(bonus.bonusFen)}${bonus.bonusPoints ? `, ${bonus.bonusPoints} points` : ''}`)
              : t(`本金增加 ${yuan(paid)}，赠送金额由网关按当前规则计算`, `Principal +${yuan(paid)}; the gateway computes the bonus from the active rules`)
          }
        />
      )}
    </Modal>
  );
}

export function AdjustModal({ cardNos, open, onClose, onDone }: { cardNos: string[]; open: boolean; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const lang = useLang();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const key = useMemo(() => idempotencyKey('adjust'), [open]);
  const submit = async () => {
    const v = (await form.validateFields()) as { cardNo: string; principal?: string; bonus?: string; reason: string };
    setBusy(true);
    try {
      await post('/v1/adjustments', { idempotencyKey: key, cardNo: v.cardNo, principalDeltaFen: parseYuan(v.principal ?? '0') ?? 0, bonusDeltaFen: parseYuan(v.bonus ?? '0') ?? 0, reason: v.reason });
      onDone();
      onClose();
    } catch (e) {
      toastError(e, lang);
    } finally {
      setBusy(false);
    }
  };
  const amount = { validator: async (_r: unknown, v: string | undefined) => { if (v && parseYuan(v) === null) throw new Error(t('金额格式：-12.50', 'amount like -12.50')); } };
  return (
    <Modal open={open} title={t('店长调整', 'Manager adjustment')} onCancel={onClose} onOk={submit} confirmLoading={busy} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('正数增加、负数扣减；原因必填并记入审计日志。', 'Positive adds, negative deducts; the reason is required and goes to the audit log.')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ cardNo: cardNos[0] }}>
        <Form.Item label={t('卡号', 'Card')} name="cardNo" rules={[{ required: true }]}>
          <Select options={cardNos.map((c) => ({ value: c, label: c }))} />
        </Form.Item>
        <Form.Item label={t('本金调整（元）', 'Principal change (yuan)')} name="principal" rules={[amount]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('赠送金调整（元）', 'Bonus change (yuan)')} name="bonus" rules={[amount]}>
          <Input />
        </Form.Item>
        <Form.Item label={t('原因', 'Reason')} name="reason" rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
