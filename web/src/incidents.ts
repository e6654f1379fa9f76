// Incident (事件) rules the pages follow: which actions the state allows, and how states look.
import type { IncidentState, Priority } from './api/types';

/** An action button of the detail page; `reassign` is `assign` again from `assigned`. */
export type ActionKind =
  | 'accept'
  | 'reject'
  | 'assign'
  | 'reassign'
  | 'start'
  | 'resolve'
  | 'verify'
  | 'reopen'
  | 'close'
  | 'escalate';

/** The actions offered in each state (the server checks again and may refuse). */
export const NEXT_ACTIONS: Readonly<Record<IncidentState, readonly ActionKind[]>> = {
  reported: ['accept', 'reject', 'escalate'],
  escalated: ['accept', 'reject', 'escalate'],
  accepted: ['assign', 'reject', 'escalate'],
  assigned: ['start', 'escalate', 'reassign'],
  in_progress: ['resolve', 'escalate'],
  resolved: ['verify', 'reopen'],
  verified: ['close'],
  closed: [],
  rejected: [],
  duplicate: [],
};

/** What an action asks for before it is sent. */
export function actionInput(kind: ActionKind): 'none' | 'reason' | 'note' | 'person' {
  switch (kind) {
    case 'reject':
    case 'reopen':
    case 'escalate':
      return 'reason';
    case 'resolve':
      return 'note';
    case 'assign':
    case 'reassign':
      return 'person';
    default:
      return 'none';
  }
}

export const INCIDENT_STATES: readonly IncidentState[] = [
  'reported',
  'escalated',
  'accepted',
  'assigned',
  'in_progress',
  'resolved',
  'verified',
  'closed',
  'rejected',
  'duplicate',
];

export const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'normal', 'low'];

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info';

export function stateTagType(state: IncidentState): TagType {
  switch (state) {
    case 'reported':
    case 'escalated':
      return 'warning';
    case 'accepted':
    case 'assigned':
    case 'in_progress':
      return 'primary';
    case 'resolved':
    case 'verified':
    case 'closed':
      return 'success';
    default:
      return 'info';
  }
}

export function priorityTagType(priority: Priority): TagType {
  switch (priority) {
    case 'urgent':
      return 'danger';
    case 'high':
      return 'warning';
    case 'normal':
      return 'primary';
    default:
      return 'info';
  }
}
