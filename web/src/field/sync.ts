// Sends the outbox (queue.ts) to the server, oldest first, whenever the phone is online: at
// start, on the `online` event, after each new entry, and on a timer with growing back-off after
// a failure. An entry is deleted only after the server acknowledged it: a 2xx (a retried upload
// answers 200 with the stored record: every id is the phone's, so nothing is stored twice).
// A 401 stops the loop until the user signs in again; other 4xx park the entry as failed.
import { reactive, readonly } from 'vue';
import { readCookie } from '../api/http';
import { entries, remove, touch, unpark, type Entry, type Job } from './queue';

interface SyncState {
  online: boolean;
  pending: number;
  failed: number;
  syncing: boolean;
  /** The server wants a new sign-in before anything more is sent. */
  needsLogin: boolean;
  lastError: string | null;
  lastSyncedAt: string | null;
  /** Incident ids still in the outbox (shown as 待同步 in 我的事件). */
  queuedIncidents: string[];
  /** Change spots whose verification is still in the outbox (核查图斑). */
  queuedSpots: string[];
}

const state = reactive<SyncState>({
  online: navigator.onLine,
  pending: 0,
  failed: 0,
  syncing: false,
  needsLogin: false,
  lastError: null,
  lastSyncedAt: null,
  queuedIncidents: [],
  queuedSpots: [],
});
export const sync = readonly(state);

const V1 = '/api/v1';
/** Most points sent in one request (the server takes up to 5000). */
const MAX_POINTS = 1000;
const MIN_BACKOFF = 1_000;
const MAX_BACKOFF = 60_000;

let backoff = MIN_BACKOFF;
let timer: ReturnType<typeof setTimeout> | undefined;
let running = false;
let again = false;

type Outcome = 'ack' | 'retry' | 'login' | { rejected: string };

async function post(path: string, body: BodyInit, contentType: string): Promise<Outcome> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': contentType };
  const csrf = readCookie('lz_csrf');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers, body, credentials: 'same-origin' });
  } catch {
    return 'retry';
  }
  if (res.ok) return 'ack';
  let code = `http_${res.status}`;
  let message = res.statusText;
  try {
    const b = (await res.json()) as { code?: string; message?: string };
    code = b.code ?? code;
    message = b.message ?? message;
  } catch {
    // Not JSON: a proxy's error page.
  }
  if (res.status === 401 || code === 'password_change_required') return 'login';
  if (res.status === 408 || res.status === 429 || res.status >= 500) return 'retry';
  return { rejected: `${code}: ${message}` };
}

function json(path: string, body: unknown): Promise<Outcome> {
  return post(path, JSON.stringify(body), 'application/json');
}

function send(job: Job, points: Job[]): Promise<Outcome> {
  switch (job.kind) {
    case 'checkin':
      return json(`${V1}/checkins`, job.body);
    case 'patrol-start':
      return json(`${V1}/patrols`, job.body);
    case 'points':
      return json(`${V1}/patrols/${job.patrolId}/points`, {
        points: points.flatMap((p) => (p.kind === 'points' ? p.points : [])),
      });
    case 'patrol-action':
      return json(`${V1}/patrols/${job.patrolId}/actions`, { action: job.action });
    case 'incident':
      return json(`${V1}/incidents`, job.body);
    case 'attachment': {
      const q = new URLSearchParams({ id: job.id, name: job.name });
      const owner = job.owner ?? { kind: 'incident', id: job.incidentId ?? '' };
      const files = owner.kind === 'incident' ? `incidents/${owner.id}/attachments` : `change-spots/${owner.id}/photos`;
      // A resent file (same id) answers the stored one.
      return post(`${V1}/${files}?${q}`, job.blob, job.blob.type || 'application/octet-stream');
    }
    case 'verification':
      // The server answers a repeat of the same finding with 200 (a lost answer is safe).
      return json(`${V1}/change-spots/${job.spotId}/verification`, job.body);
    case 'task-progress':
      // A resent report (same id) answers the stored one.
      return json(`${V1}/tasks/${job.taskId}/progress`, job.body);
  }
}

/** The next entries to send together: one, or a run of point batches of the same patrol. */
function nextBatch(all: Entry[]): Entry[] {
  const waiting = all.filter((e) => !e.failed);
  // An SOS depends on nothing queued before it and must not wait behind a long track.
  const sos = waiting.find((e) => e.job.kind === 'incident' && e.job.body.kind === 'sos');
  if (sos) return [sos];
  const head = waiting[0];
  if (!head) return [];
  if (head.job.kind !== 'points') return [head];
  const patrolId = head.job.patrolId;
  const batch: Entry[] = [];
  let n = 0;
  for (const e of waiting) {
    if (e.job.kind !== 'points' || e.job.patrolId !== patrolId) break;
    if (batch.length > 0 && n + e.job.points.length > MAX_POINTS) break;
    batch.push(e);
    n += e.job.points.length;
  }
  return batch;
}

/** Re-reads the counts shown in the status bar. */
export async function refresh(): Promise<Entry[]> {
  const all = await entries();
  state.pending = all.filter((e) => !e.failed).length;
  state.failed = all.length - state.pending;
  state.queuedIncidents = all.flatMap((e) => (e.job.kind === 'incident' ? [e.job.body.id] : []));
  state.queuedSpots = all.flatMap((e) => (e.job.kind === 'verification' ? [e.job.spotId] : []));
  return all;
}

function schedule(ms: number) {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = undefined;
    kick();
  }, ms);
}

async function drain(): Promise<void> {
  for (;;) {
    const all = await refresh();
    if (!navigator.onLine || state.needsLogin) return;
    const batch = nextBatch(all);
    const head = batch[0];
    if (!head) {
      state.lastSyncedAt = new Date().toISOString();
      return;
    }
    state.syncing = true;
    const seqs = batch.map((e) => e.seq as number);
    const outcome = await send(
      head.job,
      batch.map((e) => e.job),
    );
    if (outcome === 'ack') {
      await remove(seqs);
      backoff = MIN_BACKOFF;
      state.lastError = null;
    } else if (outcome === 'retry') {
      await touch(seqs);
      state.lastError = 'network';
      schedule(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF);
      return;
    } else if (outcome === 'login') {
      state.needsLogin = true;
      return;
    } else {
      await touch(seqs, outcome.rejected);
      state.lastError = outcome.rejected;
    }
  }
}

/** Sends what is waiting, now (a run already going picks up new entries by itself). */
export function kick(): void {
  if (running) {
    again = true;
    return;
  }
  running = true;
  const work = async () => {
    try {
      await drain();
    } finally {
      state.syncing = false;
      running = false;
      await refresh().catch(() => undefined);
      if (again) {
        again = false;
        kick();
      }
    }
  };
  // One sender across the app's tabs.
  if (navigator.locks) void navigator.locks.request('linzhang-field-sync', work);
  else void work();
}

/** After signing in again: send what waited for it. */
export function resume(): void {
  state.needsLogin = false;
  kick();
}

/** Puts refused entries back in line and tries them again. */
export async function retryFailed(): Promise<void> {
  await unpark();
  kick();
}

let started = false;

/** Starts listening for connectivity (once per page). */
export function startSync(): void {
  if (started) return;
  started = true;
  window.addEventListener('online', () => {
    state.online = true;
    backoff = MIN_BACKOFF;
    kick();
  });
  window.addEventListener('offline', () => {
    state.online = false;
  });
  setInterval(() => {
    if (navigator.onLine && !timer) kick();
  }, 30_000);
  kick();
}
