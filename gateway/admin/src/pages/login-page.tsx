// Sign in with a staff account of the gateway (merchant code, user name, password).
import { Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { post } from '../api.js';
import { ErrorAlert } from '../errors.js';
import { LangContext, useT } from '../i18n.js';
import type { Staff } from '../session.js';
import { useContext } from 'react';

export function LoginPage({ onLogin }: { onLogin: (token: string, staff: Staff) => Promise<void> }) {
  const t = useT();
  const { lang, setLang } = useContext(LangContext);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { merchantCode: string; username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await post<{ token: string; staff: Staff }>('/v1/auth/login', v);
      await onLogin(r.token, r.staff);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }} title={t('商家后台登录', 'HQ console sign-in')} extra={<Segmented size="small" value={lang} onChange={(v) => setLang(v as 'zh' | 'en')} options={[{ label: '中文', value: 'zh' }, { label: 'EN', value: 'en' }]} />}>
        <ErrorAlert error={error} />
        <Form layout="vertical" onFinish={submit} initialValues={{ merchantCode: 'demo' }}>
          <Form.Item label={t('商户代码', 'Merchant code')} name="merchantCode" rules={[{ required: true }]}>
            <Input data-testid="login-merchant" />
          </Form.Item>
          <Form.Item label={t('用户名', 'User name')} name="username" rules={[{ required: true }]}>
            <Input data-testid="login-username" autoComplete="username" />
          </Form.Item>
          <Form.Item label={t('密码', 'Password')} name="password" rules={[{ required: true }]}>
            <Input.Password data-testid="login-password" autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('登录', 'Sign in')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12 }}>
          {t('每个页面只显示您的角色和门店范围内接口允许的内容。', 'Every screen shows only what the API allows your role and store scope.')}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
