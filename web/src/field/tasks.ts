// 我的任务 in the field app: the targets assigned to the user's grid (C4), kept for offline
// use, and progress reports that go through the outbox like every other field action.
import { api } from '../api';
import type { TaskView } from '../api/types';
import { uuid7 } from './ids';
import { enqueue } from './queue';
import { kick } from './sync';

const KEY = 'lz_field_tasks';

/** The user's tasks from the server, remembered for when the phone is offline. */
export async function loadMyTasks(): Promise<TaskView[]> {
  const tasks = await api.tasks({ mine: 'true' });
  try {
    localStorage.setItem(KEY, JSON.stringify(tasks));
  } catch {
    // A full storage only costs the offline copy.
  }
  return tasks;
}

/** The tasks as last seen online. */
export function cachedTasks(): TaskView[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as TaskView[];
  } catch {
    return [];
  }
}

/** Queues a progress report (its id is minted here: a resend is stored once). */
export async function queueProgress(taskId: string, amount: number, note: string): Promise<void> {
  await enqueue({ kind: 'task-progress', taskId, body: { id: uuid7(), amount, note, evidence: [] } });
  kick();
}
