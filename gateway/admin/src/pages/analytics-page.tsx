// Marketing and analytics: RFM segments and their movement, the churn wake-up list, the birthday
// list and coupon campaigns with their effect, from the gateway's analytics and marketing APIs.
// Where the gateway has no such API yet, the screen says so instead of showing numbers.
import { Alert, Card, Col, Row, Table, Typography } from 'antd';
import { get } from '../api.js';
import { ErrorAlert, isMissingApi } from '../errors.js';
import { useT } from '../i18n.js';
import { ReportBlock } from '../report-view.js';
import { useLoad } from '../use-load.js';

function ApiList({ path, title }: { path: string; title: string }) {
  const t = useT();
  const r = useLoad(() => get<{ items?: Record<string, unknown>[] } | Record<string, unknown>[]>(path), [path]);
  const rows = Array.isArray(r.data) ? r.data : (r.data?.items ?? []);
  const keys = rows[0] ? Object.keys(rows[0]).filter((k) => typeof rows[0]![k] !== 'object').slice(0, 8) : [];
  return (
    <Card title={title} size="small">
      {r.error ? (
        isMissingApi(r.error) ? <Alert type="warning" showIcon message={t(`网关尚未提供 ${path}`, `The gateway has no ${path} yet`)} /> : <ErrorAlert error={r.error} />
      ) : (
        <Table size="small" rowKey={(_x, i) => String(i)} loading={r.loading} pagination={{ pageSize: 10 }} dataSource={rows} columns={keys.map((k) => ({ title: k, dataIndex: k, render: (v: unknown) => String(v ?? '—') }))} />
      )}
    </Card>
  );
}

export function AnalyticsPage() {
  const t = useT();
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('营销与分析', 'Marketing & analytics')}</Typography.Title>
      <Row gutter={[16, 16]}>
        <Col span={12}><ApiList path="/v1/analytics/rfm/segments" title={t('RFM 分群', 'RFM segments')} /></Col>
        <Col span={12}><ApiList path="/v1/analytics/churn" title={t('流失唤醒名单', 'Churn wake-up list')} /></Col>
        <Col span={12}><ApiList path="/v1/analytics/birthdays" title={t('生日名单', 'Birthday list')} /></Col>
        <Col span={12}><ApiList path="/v1/marketing/campaigns" title={t('优惠券活动', 'Coupon campaigns')} /></Col>
        <Col span={12}>
          <Card title={t('会员等级分布', 'Tier distribution')} size="small">
            <ReportBlock name="tier-distribution" params={{}} chart={{ kind: 'bar', category: 'tierName', series: ['members'] }} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
