/**
 * Monthly spend, stacked by category, with the month's total as a line; the
 * current month's forecast (what the rest of the month is expected to add, the
 * server's `to_come`) sits on top as a lighter bar part.
 * Amounts are decimal strings from the API; they become numbers here only to plot.
 */
import { useMemo } from 'react';
import { Chart } from 'react-chartjs-2';
import type { ChartData, ChartOptions } from 'chart.js';
import { useComputedColorScheme } from '@mantine/core';
import '@/lib/chart';
import type { Forecast, Summary } from '@/api/types';
import { formatMoney, formatYearMonth, toChartNumber } from '@/lib/format';
import { CATEGORY_COLORS } from '@/theme';

interface SpendChartProps {
  series: Summary[];
  currency: string;
  /** The forecast of the series' last month (this month), if known. */
  forecast?: Forecast;
}

export const FORECAST_LABEL = 'Forecast, rest of month';

export function SpendChart({ series, currency, forecast }: SpendChartProps) {
  const scheme = useComputedColorScheme('light');
  const labels = series.map((month) => formatYearMonth(month.year, month.month));
  // Categories by their stable code; the label is the name the server sends.
  const categories = useMemo(() => {
    const found = new Map<string, string>();
    series.forEach((month) => month.by_category.forEach((entry) => {
      if (!found.has(entry.code)) found.set(entry.code, entry.category);
    }));
    return [...found].map(([code, name]) => ({ code, name }));
  }, [series]);
  const amountOf = (month: Summary, code: string) => month.by_category.find((c) => c.code === code)?.amount;
  const last = series.at(-1);
  // Only when the forecast is of the last month plotted.
  const forecastIndex = forecast && last && forecast.year === last.year && forecast.month === last.month
    ? series.length - 1 : -1;
  const forecastDataset = categories.length + 1;

  const text = scheme === 'dark' ? '#c9c9c9' : '#495057';
  const grid = scheme === 'dark' ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.06)';

  const data: ChartData<'bar' | 'line', number[], string> = {
    labels,
    datasets: [
      {
        type: 'line' as const,
        label: 'Total',
        data: series.map((month) => toChartNumber(month.total)),
        borderColor: scheme === 'dark' ? '#f1f3f5' : '#212529',
        backgroundColor: scheme === 'dark' ? '#f1f3f5' : '#212529',
        borderWidth: 2,
        pointRadius: 3,
        cubicInterpolationMode: 'monotone' as const,
        order: 0,
      },
      ...categories.map((category) => ({
        type: 'bar' as const,
        label: category.name,
        data: series.map((month) => toChartNumber(amountOf(month, category.code))),
        backgroundColor: CATEGORY_COLORS[category.code] ?? '#868e96',
        borderRadius: 3,
        stack: 'spend',
        order: 1,
      })),
      ...(forecastIndex >= 0 && forecast ? [{
        type: 'bar' as const,
        label: FORECAST_LABEL,
        data: series.map((_, index) => (index === forecastIndex ? toChartNumber(forecast.to_come) : 0)),
        backgroundColor: scheme === 'dark' ? 'rgba(145,167,255,0.22)' : 'rgba(76,110,245,0.16)',
        borderColor: scheme === 'dark' ? '#91a7ff' : '#748ffc',
        borderWidth: 1.5,
        borderRadius: 3,
        stack: 'spend',
        order: 1,
      }] : []),
    ],
  };

  const options: ChartOptions<'bar' | 'line'> = {
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { position: 'bottom', labels: { color: text, usePointStyle: true, boxWidth: 8 } },
      tooltip: {
        callbacks: {
          // Show the server's own decimal strings, not the plotted floats.
          label: (item) => {
            const month = series[item.dataIndex];
            if (!month) return item.dataset.label ?? '';
            if (item.datasetIndex === forecastDataset) {
              return forecast ? `${FORECAST_LABEL}: ${formatMoney(forecast.to_come, currency)} (month-end ${formatMoney(forecast.forecast, currency)})` : '';
            }
            const category = categories[item.datasetIndex - 1];
            const amount = category ? amountOf(month, category.code) : month.total;
            return `${item.dataset.label}: ${formatMoney(amount ?? '0', currency)}`;
          },
        },
      },
    },
    scales: {
      x: { stacked: true, ticks: { color: text }, grid: { display: false } },
      y: {
        stacked: true,
        beginAtZero: true,
        ticks: {
          color: text,
          callback: (value) => new Intl.NumberFormat('en-US', {
            style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1,
          }).format(Number(value)),
        },
        grid: { color: grid },
      },
    },
  };

  return (
    <figure style={{ margin: 0 }}>
      <div style={{ position: 'relative', height: 320 }}>
        <Chart type="bar" data={data} options={options} aria-label="Monthly spend by category, last 12 months" role="img" />
      </div>
      {/* The same numbers as a table, for screen readers. */}
      <table className="visually-hidden">
        <caption>Monthly spend by category</caption>
        <thead>
          <tr>
            <th scope="col">Month</th>
            {categories.map((category) => <th scope="col" key={category.code}>{category.name}</th>)}
            <th scope="col">Total</th>
            {forecastIndex >= 0 && <th scope="col">Forecast</th>}
          </tr>
        </thead>
        <tbody>
          {series.map((month, index) => (
            <tr key={`${month.year}-${month.month}`}>
              <th scope="row">{labels[index]}</th>
              {categories.map((category) => (
                <td key={category.code}>{formatMoney(amountOf(month, category.code) ?? '0.00', currency)}</td>
              ))}
              <td>{formatMoney(month.total, currency)}</td>
              {forecastIndex >= 0 && <td>{index === forecastIndex ? formatMoney(forecast?.forecast, currency) : '–'}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
