// A member's ledger: every stored-value and points transaction with its postings, newest last page by
// page, and the same rows as CSV or XLSX from the gateway's export.
import { DownloadOutlined } from '@ant-design/icons';
import { Button, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { download, get, qs } from './api.js';
import { toastError, ErrorAlert } from './errors.js';
import { dateTime, yuan } from './format.js';
import { useLang, useT } from './i18n.js';
import { useCan } from './session.js';
import { useLoad } from './use-load.js';

export interface LedgerEntry {
  id: string;
  kind: string;
  idempotencyKey: string;
  cardId: string | null;
  amount: number;
  reason: string | null;
  storeId: string | null;
  staffId: string | null;
  createdAt: number;
  postings: { fromAccount: string; toAccount: string; amount: number; unit: string }[];
}

export const KIND_NAMES: Record<string, [string, string]> = {
  recharge: ['充值', 'Recharge'],
  spend: ['消费', 'Spend'],
  refund: ['退款', 'Refund'],
  adjustment: ['调整', 'Adjustment'],
  transfer: ['转账', 'Transfer'],
  points_earn: ['积分获得', 'Points earned'],
  points_spend: ['积分使用', 'Points spent'],
  points_expire: ['积分过期', 'Points expired'],
  replace: ['补卡', 'Replacement'],
  cancel: ['销卡', 'Cancellation'],
};

export function MemberLedger({ memberId, refreshKey }: { memberId: string; refreshKey: number }) {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const page = useLoad(() => get<{ items: LedgerEntry[]; nextCursor: string | null }>(`/v1/members/${memberId}/ledger${qs({ limit: 50, cursor })}`), [memberId, cursor, refreshKey]);
  const exportAs = (format: 'csv' | 'xlsx') => download(`/v1/exports/ledger${qs({ memberId, format })}`, `ledger.${format}`).catch((e) => toastError(e, lang));
  const delta = (e: LedgerEntry, unit: string) => {
    // Customer accounts are the card and points accounts: money in is positive.
    const isCustomer = (a: string) => /card_principal|card_bonus|member_points/.test(a);
    let sum = 0;
    for (const p of e.postings.filter((p) => p.unit === unit)) {
      if (isCustomer(p.toAccount) && !isCustomer(p.fromAccount)) sum += p.amount;
      if (isCustomer(p.fromAccount) && !isCustomer(p.toAccount)) sum -= p.amount;
    }
    return sum;
  };
  return (
    <>
      <ErrorAlert error={page.error} />
      <Space style={{ marginBottom: 12 }}>
        {can('export') && (
          <>
            <Button icon={<DownloadOutlined />} onClick={() => exportAs('csv')} data-testid="ledger-export-csv">CSV</Button>
            <Button icon={<DownloadOutlined />} onClick={() => exportAs('xlsx')} data-testid="ledger-export-xlsx">XLSX</Button>
          </>
        )}
      </Space>
      <Table<LedgerEntry>
        rowKey="id"
        size="small"
        loading={page.loading}
        dataSource={page.data?.items ?? []}
        pagination={false}
        data-testid="ledger-table"
        columns={[
          { title: t('时间', 'Time'), dataIndex: 'createdAt', render: (v: number) => dateTime(v), width: 170 },
          { title: t('类型', 'Kind'), dataIndex: 'kind', render: (k: string) => <Tag>{KIND_NAMES[k]?.[lang === 'zh' ? 0 : 1] ?? k}</Tag> },
          { title: t('储值变动', 'Stored value'), key: 'fen', render: (_: unknown, e) => { const d = delta(e, 'fen'); return d === 0 ? '—' : <span style={{ color: d > 0 ? '#389e0d' : '#cf1322' }}>{d > 0 ? '+' : ''}{yuan(d)}</span>; } },
          { title: t('积分变动', 'Points'), key: 'points', render: (_: unknown, e) => { const d = delta(e, 'points'); return d === 0 ? '—' : `${d > 0 ? '+' : ''}${d}`; } },
          { title: t('原因', 'Reason'), dataIndex: 'reason', render: (v: string | null) => v ?? '' },
          { title: t('幂等键', 'Idempotency key'), dataIndex: 'idempotencyKey', ellipsis: true },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        {cursor && <Button onClick={() => setCursor(undefined)}>{t('第一页', 'First page')}</Button>}
        {page.data?.nextCursor && <Button onClick={() => setCursor(page.data!.nextCursor!)}>{t('下一页', 'Next page')}</Button>}
      </Space>
    </>
  );
}
