// What the user reads when a call fails. The server answers `{code, message}` with an English
// message; known codes are shown in the UI language (messages under `errors` in src/i18n), unknown
// ones with the server's own message. Every view goes through `errorMessage` / `showError`.
import { ElMessage } from 'element-plus';
import { i18n } from '../i18n';
import type { Messages } from '../i18n/zh-CN';
import { dateTime } from '../utils/format';
import { ApiError } from './http';

type ErrorMessageKey = keyof Messages['errors'];

/** The server's error codes that have a message of their own (`errors.<code>`). */
export const KNOWN_ERROR_CODES = [
  'invalid_credentials',
  'account_locked',
  'account_disabled',
  'unauthenticated',
  'session_expired',
  'password_change_required',
  'csrf_failed',
  'forbidden',
  'weak_password',
  'bad_department',
  'wrong_password',
  'grid_not_found',
  'area_not_found',
  'post_not_found',
  'person_not_found',
  'staff_not_found',
  'invalid_date',
  'invalid_geometry',
  'invalid_area_code',
  'incident_not_found',
  'feature_not_found',
  'layer_not_found',
  'layer_empty',
  'bad_region',
  'region_too_large',
  'unknown_field',
  'grid_or_area_not_found',
  'unknown_code',
  'conflict',
  'rejected',
  'internal',
  // Not from the server: `request` found no server to ask.
  'network_error',
] as const satisfies readonly ErrorMessageKey[];

export type KnownErrorCode = (typeof KNOWN_ERROR_CODES)[number];

export function isKnownErrorCode(code: string): code is KnownErrorCode {
  return (KNOWN_ERROR_CODES as readonly string[]).includes(code);
}

/** An RFC 3339 instant in the server's message, e.g. `…locked until 2026-11-29T02:33:00.000Z`. */
const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})/;

/** When a lock ends, in the viewer's local time, if the server's message says so. */
export function lockedUntil(serverMessage: string): string | null {
  const m = INSTANT.exec(serverMessage);
  if (!m) return null;
  const d = new Date(m[0]);
  return Number.isNaN(d.getTime()) ? null : dateTime(m[0]);
}

/** The message for an error answer with `code` and the server's `message`, in the UI language. */
export function localizedError(code: string, serverMessage: string): string {
  const t = i18n.global.t;
  if (!isKnownErrorCode(code)) return serverMessage || t('common.requestFailed');
  switch (code) {
    case 'account_locked': {
      const time = lockedUntil(serverMessage);
      return time ? t('errors.accountLockedUntil', { time }) : t('errors.account_locked');
    }
    case 'rejected':
      // The server's message is the reason the rule gives; there is no translation of it.
      return t('errors.rejected', { reason: serverMessage });
    default:
      return t(`errors.${code}`);
  }
}

/** The message to show for a failed call. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return localizedError(e.code, e.message);
  return e instanceof Error && e.message ? e.message : i18n.global.t('common.requestFailed');
}

/** Toast a failed call, except 401 (the app already goes to the login page). */
export function showError(e: unknown): void {
  if (e instanceof ApiError && e.status === 401) return;
  ElMessage.error(errorMessage(e));
}
