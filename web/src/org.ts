// Rules of the organisation that the forms follow (the server checks them again).
import type { GridLevel, PostKind, StaffKind } from './api/types';

/** 总林长 and 副总林长 exist at city level only; 林长 and 副林长 at every other level. */
export function postKindsAt(level: GridLevel): readonly PostKind[] {
  return level === 'city' ? ['chief_general', 'deputy_chief_general'] : ['chief', 'deputy_chief'];
}

export const STAFF_KINDS: readonly StaffKind[] = ['ranger', 'technician', 'police'];
