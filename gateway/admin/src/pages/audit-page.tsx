// The audit log (HQ): who did what, when, in which store, with the before/after; filtered by entity
// on the server and by action or staff on the page loaded.
import { Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { get, qs } from '../api.js';
import { ErrorAlert } from '../errors.js';
import { dateTime } from '../format.js';
import { useT } from '../i18n.js';
import { useSession } from '../session.js';
import { useLoad } from '../use-load.js';

interface AuditRecord {
  id: string;
  staffId: string | null;
  role: string | null;
  storeId: string | null;
  at: number;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}
const ENTITY_TYPES = ['member', 'card', 'ledgerTransaction', 'ruleSetDraft', 'ruleSetVersion', 'staff', 'store', 'region', 'terminal', 'import', 'cardType'];

export function AuditPage() {
  const t = useT();
  const session = useSession();
  const [entityType, setEntityType] = useState<string | undefined>();
  const [entityId, setEntityId] = useState('');
  const [applied, setApplied] = useState<{ entityType?: string; entityId?: string }>({});
  const [cursor, setCursor] = useState<string | undefined>();
  const [actionFilter, setActionFilter] = useState('');
  const page = useLoad(() => get<{ items: AuditRecord[]; nextCursor: string | null }>(`/v1/audit${qs({ ...applied, cursor, limit: 100 })}`), [JSON.stringify(applied), cursor]);
  const items = (page.data?.items ?? []).filter((r) => !actionFilter || r.action.includes(actionFilter) || (r.staffId ?? '').includes(actionFilter));
  return (
    <Card title={t('审计日志', 'Audit log')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select allowClear style={{ width: 180 }} placeholder={t('对象类型', 'Entity type')} value={entityType} onChange={setEntityType} options={ENTITY_TYPES.map((e) => ({ value: e, label: e }))} data-testid="audit-entity-type" />
        <Input style={{ width: 260 }} placeholder={t('对象 ID', 'Entity id')} value={entityId} onChange={(e) => setEntityId(e.target.value)} />
        <Button type="primary" onClick={() => { setCursor(undefined); setApplied({ ...(entityType ? { entityType } : {}), ...(entityId.trim() ? { entityId: entityId.trim() } : {}) }); }} data-testid="audit-apply">{t('查询', 'Filter')}</Button>
        <Input style={{ width: 220 }} placeholder={t('本页内按操作/员工筛选', 'action or staff on this page')} value={actionFilter} onChange={(e) => setActionFilter(e.target.value)} />
      </Space>
      <ErrorAlert error={page.error} />
      <Table<AuditRecord>
        size="small"
        rowKey="id"
        loading={page.loading}
        pagination={false}
        dataSource={items}
        data-testid="audit-table"
        expandable={{ expandedRowRender: (r) => <pre style={{ margin: 0, fontSize: 12 }}>{JSON.stringify({ before: r.before, after: r.after }, null, 2)}</pre> }}
        columns={[
          { title: t('时间', 'Time'), dataIndex: 'at', render: dateTime, width: 170 },
          { title: t('操作', 'Action'), dataIndex: 'action', render: (a: string) => <Tag>{a}</Tag> },
          { title: t('对象', 'Entity'), key: 'entity', render: (_: unknown, r) => `${r.entityType} ${r.entityId}` },
          { title: t('员工', 'Staff'), dataIndex: 'staffId', render: (v: string | null) => v ?? t('系统', 'system') },
          { title: t('角色', 'Role'), dataIndex: 'role', render: (v: string | null) => v ?? '—' },
          { title: t('门店', 'Store'), dataIndex: 'storeId', render: (v: string | null) => (v ? session.storeName(v) : '—') },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        {cursor && <Button onClick={() => setCursor(undefined)}>{t('第一页', 'First page')}</Button>}
        {page.data?.nextCursor && <Button onClick={() => setCursor(page.data!.nextCursor!)}>{t('下一页', 'Next page')}</Button>}
        <Typography.Text type="secondary">{t('按时间先后排列', 'oldest first')}</Typography.Text>
      </Space>
    </Card>
  );
}
