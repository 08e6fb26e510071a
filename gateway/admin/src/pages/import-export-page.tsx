// Import members from CSV or XLSX: a dry run first lists every bad row before anything is written,
// then the valid rows are imported; large files show their upload progress. Exports as CSV or XLSX.
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Progress, Row, Select, Space, Table, Typography, message } from 'antd';
import { useRef, useState } from 'react';
import { download, qs, upload } from '../api.js';
import { ErrorAlert, toastError } from '../errors.js';
import { useLang, useT } from '../i18n.js';
import { useCan, useSession } from '../session.js';

interface ImportReport {
  dryRun: boolean;
  rows: number;
  valid: number;
  imported: number;
  existing: number;
  errors: { row: number; field: string; code: string; message: string }[];
}
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function ImportExportPage() {
  const t = useT();
  const can = useCan();
  return (
    <Row gutter={16}>
      {can('import') && (
        <Col span={14}>
          <ImportCard />
        </Col>
      )}
      {can('export') && (
        <Col span={10}>
          <ExportCard />
        </Col>
      )}
      {!can('import') && !can('export') && <Alert type="info" message={t('您的角色不能导入导出', 'Your role cannot import or export')} />}
    </Row>
  );
}

function ImportCard() {
  const t = useT();
  const lang = useLang();
  const session = useSession();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [storeId, setStoreId] = useState(session.staff.storeId ?? session.stores[0]?.id);
  const [progress, setProgress] = useState<number | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const format = file?.name.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
  const send = async (dryRun: boolean) => {
    if (!file || !storeId) return;
    setError(null);
    setProgress(0);
    try {
      const r = await upload<ImportReport>(`/v1/imports/members${qs({ storeId, format, dryRun })}`, file, format === 'xlsx' ? XLSX_TYPE : 'text/csv', setProgress);
      setReport(r);
      if (!dryRun) void message.success(t(`已导入 ${r.imported} 位会员`, `${r.imported} members imported`));
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  };
  return (
    <Card title={t('会员导入', 'Member import')}>
      <Typography.Paragraph type="secondary">
        {t('列：姓名、手机号、性别、生日（YYYY-MM-DD）、标签（; 分隔）、地址。先试运行，逐行列出错误，确认后再导入有效行；已存在的手机号不会重复导入。', 'Columns: name, phone, gender, birthday (YYYY-MM-DD), tags (; separated), address. A dry run lists each bad row first; then import the valid rows. Phones already present are not imported again.')}
      </Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select style={{ width: 200 }} value={storeId} onChange={setStoreId} options={session.stores.map((s) => ({ value: s.id, label: s.name }))} />
        <input ref={input} type="file" accept=".csv,.xlsx" style={{ display: 'none' }} data-testid="import-file" onChange={(e) => { setFile(e.target.files?.[0] ?? null); setReport(null); }} />
        <Button icon={<UploadOutlined />} onClick={() => input.current?.click()}>{file ? file.name : t('选择 CSV / XLSX 文件', 'Choose a CSV / XLSX file')}</Button>
        <Button type="primary" disabled={!file || progress !== null} onClick={() => send(true)} data-testid="import-dry-run">{t('试运行', 'Dry run')}</Button>
        <Button disabled={!file || !report?.dryRun || report.valid === 0 || progress !== null} onClick={() => send(false)} data-testid="import-run">{t(`导入有效行${report?.dryRun ? `（${report.valid}）` : ''}`, `Import valid rows${report?.dryRun ? ` (${report.valid})` : ''}`)}</Button>
      </Space>
      {progress !== null && <Progress percent={progress} status="active" data-testid="import-progress" />}
      {progress === 100 && <Typography.Text type="secondary">{t('上传完成，网关正在校验…', 'Uploaded; the gateway is checking the rows…')}</Typography.Text>}
      <ErrorAlert error={error} />
      {report && (
        <div data-testid="import-report">
          <Descriptions size="small" bordered column={4} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('行数', 'Rows')}>{report.rows}</Descriptions.Item>
            <Descriptions.Item label={t('有效', 'Valid')}>{report.valid}</Descriptions.Item>
            <Descriptions.Item label={t('已存在', 'Existing')}>{report.existing}</Descriptions.Item>
            <Descriptions.Item label={t('已导入', 'Imported')}>{report.imported}</Descriptions.Item>
          </Descriptions>
          {report.dryRun && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('试运行：尚未写入任何数据。', 'Dry run: nothing has been written yet.')} />}
          {report.errors.length > 0 && (
            <Table size="small" rowKey={(e) => `${e.row}-${e.field}`} pagination={{ pageSize: 20 }} dataSource={report.errors} data-testid="import-errors" columns={[
              { title: t('行', 'Row'), dataIndex: 'row', width: 70 },
              { title: t('字段', 'Field'), dataIndex: 'field', width: 110 },
              { title: t('代码', 'Code'), dataIndex: 'code', width: 140 },
              { title: t('说明', 'Message'), dataIndex: 'message', render: (m: string) => (lang === 'zh' ? m.split(' / ')[0] : (m.split(' / ')[1] ?? m)) },
            ]} />
          )}
        </div>
      )}
    </Card>
  );
}

function ExportCard() {
  const t = useT();
  const lang = useLang();
  const get = (what: string, format: 'csv' | 'xlsx') => download(`/v1/exports/${what}${qs({ format })}`, `${what}.${format}`).catch((e) => toastError(e, lang));
  const rows: [string, string, string][] = [
    ['members', '会员（手机号掩码）', 'Members (phones masked)'],
    ['ledger', '储值积分流水', 'Ledger'],
    ['sales', '销售与退货', 'Sales and refunds'],
  ];
  return (
    <Card title={t('导出', 'Export')}>
      <Space direction="vertical">
        {rows.map(([what, zh, en]) => (
          <Space key={what}>
            <span style={{ display: 'inline-block', width: 160 }}>{t(zh, en)}</span>
            <Button icon={<DownloadOutlined />} onClick={() => get(what, 'csv')} data-testid={`export-${what}-csv`}>CSV</Button>
            <Button icon={<DownloadOutlined />} onClick={() => get(what, 'xlsx')} data-testid={`export-${what}-xlsx`}>XLSX</Button>
          </Space>
        ))}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('金额单位为分；每次最多 100,000 行。', 'Amounts in fen; at most 100,000 rows per export.')}</Typography.Text>
      </Space>
    </Card>
  );
}
