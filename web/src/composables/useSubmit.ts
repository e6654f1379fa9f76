// Submitting a form: validate it, make the call, show what went wrong. Every form of the app
// (login, password change, and the dialogs through FormDialog.vue) goes through `run`.
import { ref, type Ref } from 'vue';
import type { FormInstance } from 'element-plus';
import { errorMessage } from '../api/errors';

export function useSubmit(formRef: Ref<FormInstance | undefined>) {
  /** A call is under way (the submit button shows it). */
  const busy = ref(false);
  /** Why the last call failed, in the UI language; '' when it did not. */
  const error = ref('');

  /** Clears the error, validates the form and, when it is valid, runs `call`; a failure lands in `error`. */
  async function run(call: () => Promise<unknown>): Promise<void> {
    error.value = '';
    const valid = await formRef.value?.validate().catch(() => false);
    if (!valid) return;
    busy.value = true;
    try {
      await call();
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      busy.value = false;
    }
  }

  return { busy, error, run };
}
