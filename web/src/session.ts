// Who is signed in. The session itself is the HttpOnly cookie; this only mirrors `GET /auth/me`.
import { reactive, readonly } from 'vue';
import { api, ApiError } from './api';
import type { Me, Role } from './api/types';

interface SessionState {
  me: Me | null;
  /** True once `/auth/me` has been asked in this page load. */
  checked: boolean;
  /** The server wants a new password before anything else (login answer or a 403). */
  mustChangePassword: boolean;
}

const state = reactive<SessionState>({ me: null, checked: false, mustChangePassword: false });

export const session = readonly(state);

export function setMe(me: Me | null): void {
  state.me = me;
  state.checked = true;
  state.mustChangePassword = me?.must_change_password ?? false;
}

export function requirePasswordChange(): void {
  state.mustChangePassword = true;
}

export function passwordChanged(): void {
  state.mustChangePassword = false;
  if (state.me) state.me = { ...state.me, must_change_password: false };
}

/** Ask the server once per page load who we are; null when not signed in. */
export async function ensureSession(): Promise<Me | null> {
  if (state.checked) return state.me;
  try {
    setMe(await api.me());
  } catch (e) {
    if (e instanceof ApiError && e.status === 403 && e.code === 'password_change_required') {
      // Signed in, but only the password form is allowed. Keep the user unknown.
      state.checked = true;
      state.mustChangePassword = true;
      return null;
    }
    if (e instanceof ApiError && e.status === 401) {
      setMe(null);
      return null;
    }
    throw e;
  }
  return state.me;
}

export function clearSession(): void {
  state.me = null;
  state.checked = true;
  state.mustChangePassword = false;
}

export const PEOPLE_ROLES: readonly Role[] = ['admin', 'office'];
export const AUDIT_ROLES: readonly Role[] = ['admin', 'auditor'];
/** Who may see others' patrol positions and tracks (the server's `SuperviseTracks`). */
export const SUPERVISE_ROLES: readonly Role[] = ['admin', 'office', 'chief'];
/** Who may create posts, appoint chiefs, add and end staff, and edit people (the server checks again). */
/** Who may issue tasks, contact sheets and inspections (the server's `may_issue`). */
export const ISSUE_ROLES: readonly Role[] = ['admin', 'office', 'chief'];
/** Who configures group-chat robots (the server's `WriteOrg`). */
export const ROBOT_ROLES: readonly Role[] = ['admin', 'office'];
export const APPOINT_ROLES: readonly Role[] = ['admin', 'office'];
/** Who creates, locks and unlocks accounts and ends their sessions (the server's `ManageUsers`). */
export const ACCOUNT_ROLES: readonly Role[] = ['admin'];

export function hasRole(roles: readonly Role[]): boolean {
  return state.me !== null && roles.includes(state.me.role);
}
