// Makes the field app installable and able to open offline: its web app manifest and a small
// service worker (public/field-sw.js) that keeps the app shell. The PC app stays an ordinary page.

let installed = false;

/** The app's own files this page has loaded (the service worker keeps copies). */
function shellFiles(): string[] {
  const urls = performance
    .getEntriesByType('resource')
    .map((e) => new URL(e.name, location.href))
    .filter((u) => u.origin === location.origin && (u.pathname.startsWith('/assets/') || u.pathname === '/favicon.svg'))
    .map((u) => u.pathname);
  return [...new Set(urls)];
}

export function installPwa(): void {
  if (installed) return;
  installed = true;
  if (!document.querySelector('link[rel="manifest"]')) {
    const link = document.createElement('link');
    link.rel = 'manifest';
    link.href = '/field.webmanifest';
    document.head.appendChild(link);
  }
  const theme = document.createElement('meta');
  theme.name = 'theme-color';
  theme.content = '#1f6f43';
  document.head.appendChild(theme);
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register('/field-sw.js', { scope: '/field' })
    .then(async () => {
      const ready = await navigator.serviceWorker.ready;
      ready.active?.postMessage({ type: 'cache', urls: shellFiles() });
    })
    .catch(() => {
      // Not a secure context (plain HTTP on a LAN address): the app still works while online.
    });
}
