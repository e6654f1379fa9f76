// Live events from `/api/v1/events` (Server-Sent Events with the session cookie): one connection
// per tab, shared by every component that listens (the notification bell, the camera wall …).

export interface LiveEvent {
  kind: string;
  title: string;
  link?: string | null;
  urgent: boolean;
}

type Listener = (event: LiveEvent) => void;

/** Event kinds the server sends (see `crates/server/src/notify.rs`). */
export const LIVE_KINDS = ['incident.reported', 'incident.escalated', 'incident.assigned', 'camera.alarm'] as const;

let source: EventSource | null = null;
const listeners = new Set<Listener>();

function dispatch(e: MessageEvent<string>) {
  let event: LiveEvent;
  try {
    event = JSON.parse(e.data) as LiveEvent;
  } catch {
    return;
  }
  for (const l of listeners) l(event);
}

/** Listens to live events until the returned function is called; the connection closes with
 *  the last listener. */
export function onLiveEvent(listener: Listener): () => void {
  listeners.add(listener);
  if (!source) {
    source = new EventSource('/api/v1/events');
    for (const kind of LIVE_KINDS) source.addEventListener(kind, (e) => dispatch(e as MessageEvent<string>));
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      source?.close();
      source = null;
    }
  };
}
