// ECharts options of the one map's statistics: a breakdown of area by the values of a dimension.
import type { EChartsCoreOption } from 'echarts/core';
import type { DimensionStats, LayerView } from '../api/types';
import { codeTableOf, fieldOfDimension, valueColor } from './layers';

export interface ChartValue {
  code: string;
  name: string;
  /** Area in hectares. */
  value: number;
  color: string;
}

/** A dimension's values (largest first, as the server sorts them) with names and map colours. */
export function chartValues(spec: LayerView | undefined, d: DimensionStats, en: boolean): ChartValue[] {
  const field = fieldOfDimension(d.dimension);
  const table = codeTableOf(spec?.fields.find((f) => f.name === field));
  return d.values.map((v, i) => ({
    code: v.value,
    name: (en ? v.name_en : v.name_zh) || v.value,
    value: Math.round(v.area_ha * 100) / 100,
    color: valueColor(table, v.value, i),
  }));
}

export function pieOption(values: ChartValue[], unit: string): EChartsCoreOption {
  return {
    tooltip: { trigger: 'item', formatter: `{b}<br/>{c} ${unit} ({d}%)` },
    legend: { type: 'scroll', bottom: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 11 } },
    series: [
      {
        type: 'pie',
        radius: ['35%', '65%'],
        center: ['50%', '42%'],
        label: { show: false },
        data: values.map((v) => ({ name: v.name, value: v.value, itemStyle: { color: v.color } })),
      },
    ],
  };
}

export function barOption(values: ChartValue[], unit: string): EChartsCoreOption {
  const rows = [...values].reverse();
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => `${String(v)} ${unit}` },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { fontSize: 10 } },
    yAxis: { type: 'category', data: rows.map((v) => v.name), axisLabel: { fontSize: 11, width: 96, overflow: 'truncate' } },
    series: [{ type: 'bar', barMaxWidth: 16, data: rows.map((v) => ({ value: v.value, itemStyle: { color: v.color } })) }],
  };
}

/** A height for a bar chart of `n` bars. */
export function barHeight(n: number): string {
  return `${Math.max(120, 26 * n + 40)}px`;
}
