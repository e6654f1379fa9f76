// Lengths, areas and stock as the one map shows them: m/km, m²/公顷/亩, m³.
import { useI18n } from 'vue-i18n';
import { decimal, hectares, mu } from '../utils/format';

export function useUnits() {
  const { t, locale } = useI18n();
  return {
    length: (m: number) =>
      m < 1000 ? `${decimal(m, locale.value, 1)} ${t('map.units.m')}` : `${decimal(m / 1000, locale.value, 3)} ${t('map.units.km')}`,
    m2: (m2: number) => `${decimal(m2, locale.value, 1)} ${t('map.units.m2')}`,
    ha: (m2: number) => `${decimal(hectares(m2), locale.value, 2)} ${t('map.units.ha')}`,
    mu: (m2: number) => `${decimal(mu(m2), locale.value, 2)} ${t('map.units.mu')}`,
    m3: (m3: number) => `${decimal(m3, locale.value, 1)} ${t('map.units.m3')}`,
    /** A number with `digits` decimals in the UI locale. */
    num: (n: number, digits = 2) => decimal(n, locale.value, digits),
  };
}
