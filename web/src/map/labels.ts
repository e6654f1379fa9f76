// What a feature is called in panels and tables: its name, its number, a sub-compartment's
// 林班-小班, or a certificate number.

export function featureLabel(p: Record<string, unknown>): string {
  const s = (k: string) => {
    const v = p[k];
    return v === null || v === undefined ? '' : String(v).trim();
  };
  if (s('name')) return s('name');
  if (s('number')) return s('number');
  if (s('lin_ban') || s('xiao_ban')) {
    const place = s('cun') || s('xiang');
    const code = [s('lin_ban'), s('xiao_ban')].filter(Boolean).join('-');
    return place ? `${place} ${code}` : code;
  }
  return s('certificate');
}
