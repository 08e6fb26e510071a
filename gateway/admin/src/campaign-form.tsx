// Defines a coupon campaign (POST /v1/marketing/campaigns): a name, a coupon definition of the
// published rule set, a target (RFM segment / tag / tier / list of member ids), a holdout share in
// per mille and an optional validity inside the definition's. The gateway checks all of it again.
import { Button, Col, Form, Input, InputNumber, Modal, Radio, Row, Select, Typography, message } from 'antd';
import { useState } from 'react';
import { get, post } from './api.js';
import { ErrorAlert, toastError } from './errors.js';
import { useLang, useT } from './i18n.js';
import { useLoad } from './use-load.js';

type Text = { zh: string; en: string };
interface CouponDef {
  couponDefId: string;
  kind: string;
  name: Text;
  validFrom: string;
  validTo: string;
}
interface ActiveRules {
  version: number;
  rules: { coupons?: CouponDef[]; tiers?: { tierId: string; name: Text }[] };
}

/** Local midnight of a YYYY-MM-DD day (start) or the last millisecond of it (end), as ISO. */
function dayBound(day: string, end: boolean): string {
  const d = new Date(`${day}T00:00:00`);
  if (end) d.setTime(d.getTime() + 86_400_000 - 1);
  return d.toISOString();
}

export function CampaignForm({ open, segments, onClose, onCreated }: { open: boolean; segments: Record<string, [string, string]>; onClose: () => void; onCreated: (id: string) => void }) {
  const t = useT();
  const lang = useLang();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const kind = Form.useWatch('targetKind', form) as string | undefined;
  // Loaded only when the form opens: roles without rule-set access never ask for it.
  const active = useLoad(() => (open ? get<ActiveRules>('/v1/rule-sets/active') : Promise.resolve(null)), [open]);
  const name = (n: Text) => (lang === 'zh' ? n.zh : n.en);
  const coupons = active.data?.rules.coupons ?? [];
  const submit = async () => {
    let v: Record<string, any>;
    try {
      v = await form.validateFields();
    } catch {
      return; // the form shows what is missing
    }
    const target =
      v.targetKind === 'segment' ? { kind: 'segment', segment: v.segment }
        : v.targetKind === 'tag' ? { kind: 'tag', tag: v.tag }
          : v.targetKind === 'tier' ? { kind: 'tier', tierId: v.tierId }
            : { kind: 'list', memberIds: String(v.memberIds).split(/[\s,，]+/).filter(Boolean) };
    setBusy(true);
    try {
      const created = await post<{ id: string }>('/v1/marketing/campaigns', {
        name: v.name,
        couponDefId: v.couponDefId,
        target,
        holdoutPerMille: v.holdoutPerMille ?? 0,
        ...(v.validFrom ? { validFrom: dayBound(v.validFrom, false) } : {}),
        ...(v.validUntil ? { validUntil: dayBound(v.validUntil, true) } : {}),
        notify: false,
      });
      void message.success(t('活动已创建', 'Campaign created'));
      form.resetFields();
      onCreated(created.id);
    } catch (e) {
      toastError(e, lang);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={t('新建优惠券活动', 'New coupon campaign')} onCancel={onClose} onOk={submit} confirmLoading={busy} okButtonProps={{ 'data-testid': 'cc-ok' } as Record<string, string>} width={640} destroyOnHidden>
      <ErrorAlert error={active.error} />
      {active.data && coupons.length === 0 && (
        <Typography.Paragraph type="warning">{t('当前生效的规则里没有优惠券定义：请先在规则中添加并发布。', 'The published rule set defines no coupons: add one in Rules and publish it first.')}</Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" initialValues={{ targetKind: 'tag', holdoutPerMille: 0 }}>
        <Row gutter={12}>
          <Col span={12}><Form.Item label={t('活动名称', 'Name')} name="name" rules={[{ required: true, max: 100 }]}><Input data-testid="cc-name" /></Form.Item></Col>
          <Col span={12}>
            <Form.Item label={t('优惠券（已发布规则 v', 'Coupon (published rules v') + (active.data?.version ?? '…') + ')'} name="couponDefId" rules={[{ required: true }]}>
              <Select data-testid="cc-coupon" loading={active.loading} options={coupons.map((c) => ({ value: c.couponDefId, label: `${name(c.name)} (${c.couponDefId})`, title: c.couponDefId }))} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item label={t('目标会员', 'Target')} name="targetKind">
              <Radio.Group data-testid="cc-target-kind" options={[
                { value: 'segment', label: t('RFM 分群', 'RFM segment') },
                { value: 'tag', label: t('标签', 'Tag') },
                { value: 'tier', label: t('等级', 'Tier') },
                { value: 'list', label: t('名单', 'List') },
              ]} />
            </Form.Item>
          </Col>
          <Col span={24}>
            {kind === 'segment' && (
              <Form.Item label={t('分群（最近一期）', 'Segment (latest period)')} name="segment" rules={[{ required: true }]}>
                <Select data-testid="cc-segment" options={Object.entries(segments).map(([k, v]) => ({ value: k, label: lang === 'zh' ? v[0] : v[1], title: k }))} />
              </Form.Item>
            )}
            {kind === 'tag' && <Form.Item label={t('标签', 'Tag')} name="tag" rules={[{ required: true, max: 64 }]}><Input data-testid="cc-tag" /></Form.Item>}
            {kind === 'tier' && (
              <Form.Item label={t('等级', 'Tier')} name="tierId" rules={[{ required: true }]}>
                <Select data-testid="cc-tier" options={(active.data?.rules.tiers ?? []).map((x) => ({ value: x.tierId, label: name(x.name), title: x.tierId }))} />
              </Form.Item>
            )}
            {kind === 'list' && (
              <Form.Item label={t('会员编号（每行或逗号分隔）', 'Member ids (one a line or comma-separated)')} name="memberIds" rules={[{ required: true }]}>
                <Input.TextArea data-testid="cc-list" rows={3} />
              </Form.Item>
            )}
          </Col>
          <Col span={8}>
            <Form.Item label={t('对照组（‰）', 'Holdout (‰)')} name="holdoutPerMille" tooltip={t('每千名目标会员中不发券、用作对照的人数', 'Members per thousand of the target who get no coupon, the comparison group')}>
              <InputNumber data-testid="cc-holdout" min={0} max={999} precision={0} />
            </Form.Item>
          </Col>
          <Col span={8}><Form.Item label={t('生效日（默认券定义）', 'Valid from (default: the definition)')} name="validFrom"><Input type="date" data-testid="cc-from" /></Form.Item></Col>
          <Col span={8}><Form.Item label={t('截止日（默认券定义）', 'Valid until (default: the definition)')} name="validUntil"><Input type="date" data-testid="cc-until" /></Form.Item></Col>
        </Row>
      </Form>
    </Modal>
  );
}
