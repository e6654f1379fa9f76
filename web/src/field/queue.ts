// The field app's outbox (离线队列): every action is written to IndexedDB first, with the ids
// the server will store it under, and leaves the queue only when the server has acknowledged it.
// Photos wait here as Blobs until their incident is created or their change spot verified (the
// queue is sent in order).
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type {
  CheckinBody,
  NewIncident,
  PatrolAction,
  PatrolPoint,
  PatrolStartBody,
  ProgressBody,
  VerificationBody,
} from '../api/types';
import { uuid7 } from './ids';

/** What a photo belongs to: an incident (事件附件) or a change spot's verification (核实照片). */
export type AttachmentOwner = { kind: 'incident'; id: string } | { kind: 'spot'; id: string };

export type Job =
  | { kind: 'checkin'; body: CheckinBody }
  | { kind: 'patrol-start'; body: PatrolStartBody }
  | { kind: 'points'; patrolId: string; points: PatrolPoint[] }
  | { kind: 'patrol-action'; patrolId: string; action: PatrolAction }
  | { kind: 'incident'; body: NewIncident }
  | {
      kind: 'attachment';
      owner: AttachmentOwner;
      /** Entries queued before photos had owners of several kinds: always an incident. */
      incidentId?: string;
      id: string;
      name: string;
      blob: Blob;
    }
  | { kind: 'verification'; spotId: string; body: VerificationBody }
  | { kind: 'task-progress'; taskId: string; body: ProgressBody };

export interface Entry {
  seq?: number;
  job: Job;
  createdAt: string;
  attempts: number;
  /** Set when the server refused it for good (a 4xx other than "sign in again"). */
  failed?: string;
}

interface FieldDb extends DBSchema {
  outbox: { key: number; value: Entry };
}

let db: Promise<IDBPDatabase<FieldDb>> | null = null;

function open(): Promise<IDBPDatabase<FieldDb>> {
  db ??= openDB<FieldDb>('linzhang-field', 1, {
    upgrade(d) {
      d.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    },
  });
  return db;
}

/** The jobs sending photos, each under an id of its own (a resend is stored once). */
export function photoJobs(owner: AttachmentOwner, photos: File[]): Job[] {
  return photos.map((f) => ({
    kind: 'attachment',
    owner,
    id: uuid7(),
    name: f.name,
    // A Blob copy: the File of an <input> may not outlive the page on every browser.
    blob: new Blob([f], { type: f.type }),
  }));
}

/** Appends jobs in one transaction (an incident and its photos are queued together or not at all). */
export async function enqueue(...jobs: Job[]): Promise<void> {
  const tx = (await open()).transaction('outbox', 'readwrite');
  const at = new Date().toISOString();
  await Promise.all([...jobs.map((job) => tx.store.add({ job, createdAt: at, attempts: 0 })), tx.done]);
}

/** Every entry, oldest first. */
export async function entries(): Promise<Entry[]> {
  return (await open()).getAll('outbox');
}

export async function remove(seqs: number[]): Promise<void> {
  const tx = (await open()).transaction('outbox', 'readwrite');
  await Promise.all([...seqs.map((s) => tx.store.delete(s)), tx.done]);
}

/** Records a try; `failed` parks the entries (kept, shown, not sent again until retried). */
export async function touch(seqs: number[], failed?: string): Promise<void> {
  const tx = (await open()).transaction('outbox', 'readwrite');
  for (const s of seqs) {
    const e = await tx.store.get(s);
    if (!e) continue;
    e.attempts += 1;
    if (failed) e.failed = failed;
    await tx.store.put(e);
  }
  await tx.done;
}

/** Puts parked entries back in line. */
export async function unpark(): Promise<void> {
  const tx = (await open()).transaction('outbox', 'readwrite');
  for (const e of await tx.store.getAll()) {
    if (e.failed) {
      delete e.failed;
      await tx.store.put(e);
    }
  }
  await tx.done;
}
