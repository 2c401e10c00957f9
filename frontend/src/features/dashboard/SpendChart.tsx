/**
 * Monthly spend, stacked by category, with the month's total as a line.
 * Amounts are decimal strings from the API; they become numbers here only to plot.
 */
import { useMemo } from 'react';
import { Chart } from 'react-chartjs-2';
import type { ChartData, ChartOptions } from 'chart.js';
import { useComputedColorScheme } from '@mantine/core';
import '@/lib/chart';
import type { Summary } from '@/api/types';
import { formatMoney, formatYearMonth, toChartNumber } from '@/lib/format';
import { CATEGORY_COLORS } from '@/theme';

interface SpendChartProps {
  series: Summary[];
  currency: string;
}

export function SpendChart({ series, currency }: SpendChartProps) {
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
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
