// How a failed request shows: the gateway's message in the current language, with its code.
import { Alert, message } from 'antd';
import { ApiError } from './api.js';
import { pickMessage, useLang, type Lang } from './i18n.js';

export function errorText(error: unknown, lang: Lang): string {
  if (error instanceof ApiError) return `${pickMessage(error.message, lang)} (${error.code}${error.field ? ` · ${error.field}` : ''})`;
  return error instanceof Error ? error.message : String(error);
}

export function ErrorAlert({ error }: { error: unknown }) {
  const lang = useLang();
  if (!error) return null;
  return <Alert type="error" showIcon message={errorText(error, lang)} style={{ marginBottom: 12 }} />;
}

export function toastError(error: unknown, lang: Lang): void {
  void message.error(errorText(error, lang));
}

/** Missing API (404 on the route itself): the screen says so instead of showing made-up numbers. */
export function isMissingApi(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && /接口不存在|no such endpoint/.test(error.message);
}
