import { ElMessage } from 'element-plus';
import { ApiError } from '../api';
import { i18n } from '../i18n';

/** The message to show for a failed call: the server's own `message`, else a generic one. */
export function errorMessage(e: unknown): string {
  const t = i18n.global.t;
  if (e instanceof ApiError) {
    if (e.status === 0) return t('common.networkError');
    return e.message || t('common.requestFailed');
  }
  return e instanceof Error ? e.message : t('common.requestFailed');
}

/** Toast a failed call, except 401 (the app already goes to the login page). */
export function showError(e: unknown): void {
  if (e instanceof ApiError && e.status === 401) return;
  ElMessage.error(errorMessage(e));
}
