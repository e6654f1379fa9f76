// Units and display helpers. 1 公顷 = 10 000 m², 1 亩 = 10 000 / 15 m² (≈ 666.67 m²).

export const M2_PER_HECTARE = 10_000;
export const M2_PER_MU = 10_000 / 15;

export function hectares(m2: number): number {
  return m2 / M2_PER_HECTARE;
}

export function mu(m2: number): number {
  return m2 / M2_PER_MU;
}

export function fixed2(n: number, locale: string): string {
  return n.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A number with exactly `digits` decimals, grouped the locale's way. */
export function decimal(n: number, locale: string, digits: number): string {
  return n.toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio (0.2151) as a percentage with two decimals (21.51%). */
export function percent(ratio: number, locale: string): string {
  return ratio.toLocaleString(locale, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A timestamp in the viewer's local time, `YYYY-MM-DD HH:mm:ss`. */
export function dateTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Compact JSON for the audit before/after columns. */
export function json(v: unknown): string {
  if (v === null || v === undefined) return '';
  return JSON.stringify(v, null, 2);
}
