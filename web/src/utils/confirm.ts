import { ElMessageBox } from 'element-plus';
import { i18n } from '../i18n';

/**
 * Asks before something that cannot be taken back (logout, delete, circulate, SOS): answers
 * whether the user confirmed. Closing the box or cancelling is a plain `false`, not an error.
 */
export async function confirmed(
  message: string,
  title: string,
  options: { type?: 'warning' | 'error'; confirmText?: string } = {},
): Promise<boolean> {
  const { t } = i18n.global;
  try {
    await ElMessageBox.confirm(message, title, {
      confirmButtonText: options.confirmText ?? t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      type: options.type ?? 'warning',
    });
    return true;
  } catch {
    return false;
  }
}
