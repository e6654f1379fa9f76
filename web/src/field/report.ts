// Incident reports and the one-key SOS (一键求助) from the phone: queued with the ids the
// server will keep, the photos after their incident in the same transaction.
import type { NewIncident, Priority } from '../api/types';
import { uuid7 } from './ids';
import { locate } from './patrol';
import { enqueue, photoJobs } from './queue';
import { kick } from './sync';

/** The kinds a ranger reports from the field (codes of the `incident_kind` table). */
export const FIELD_KINDS = [
  'fire',
  'pest',
  'illegal_logging',
  'illegal_land_use',
  'poaching',
  'plant_digging',
  'wildlife_disease',
  'damaged_sign',
  'other',
] as const;

export interface Report {
  kind: string;
  title: string;
  description: string;
  gridCode: string;
  photos: File[];
}

function priorityOf(kind: string): Priority {
  return kind === 'fire' || kind === 'sos' ? 'urgent' : 'normal';
}

/** Queues the report and its photos; answers the incident id. */
export async function report(r: Report): Promise<string> {
  const fix = await locate();
  const id = uuid7();
  const body: NewIncident = {
    id,
    grid_code: r.gridCode,
    kind: r.kind,
    priority: priorityOf(r.kind),
    title: r.title,
    description: r.description,
    lon: fix?.lon ?? null,
    lat: fix?.lat ?? null,
  };
  await enqueue({ kind: 'incident', body }, ...photoJobs({ kind: 'incident', id }, r.photos));
  kick();
  return id;
}

/** The one-key SOS: urgent, with the position; the outbox sends it before anything older. */
export async function sos(gridCode: string, title: string, description: string): Promise<string> {
  return report({ kind: 'sos', title, description, gridCode, photos: [] });
}
