/** Usage consumption per day as bars, with the numbers as a table for screen readers. */
import { Chart } from 'react-chartjs-2';
import type { ChartData, ChartOptions } from 'chart.js';
import { useComputedColorScheme } from '@mantine/core';
import '@/lib/chart';
import type { DailyUsage } from '@/api/types';
import { formatDayMonth, formatMoney, toChartNumber } from '@/lib/format';
import { CATEGORY_COLORS } from '@/theme';

export function DailyUsageChart({ report }: { report: DailyUsage }) {
  const scheme = useComputedColorScheme('light');
  const text = scheme === 'dark' ? '#c9c9c9' : '#495057';
  const grid = scheme === 'dark' ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.06)';
  const { days, currency } = report;
  const labels = days.map((item) => formatDayMonth(item.day, false));
  const data: ChartData<'bar', number[], string> = {
    labels,
    datasets: [{
      label: 'Usage',
      data: days.map((item) => toChartNumber(item.amount)),
      backgroundColor: CATEGORY_COLORS.usage ?? '#fab005',
      borderRadius: 3,
    }],
  };
  const options: ChartOptions<'bar'> = {
    responsive: true,
    maintainAspectRatio: false,
    plugins: {
      legend: { display: false },
      tooltip: {
        callbacks: {
          label: (item) => formatMoney(days[item.dataIndex]?.amount ?? '0.00', currency),
        },
      },
    },
    scales: {
      x: { ticks: { color: text, maxRotation: 0, autoSkipPadding: 8 }, grid: { display: false } },
      y: {
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
      <div style={{ position: 'relative', height: 300 }}>
        <Chart type="bar" data={data} options={options} aria-label="Daily usage cost, last 30 days" role="img" />
      </div>
      <table className="visually-hidden">
        <caption>Daily usage cost</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Amount</th>
          </tr>
        </thead>
        <tbody>
          {days.map((item, index) => (
            <tr key={item.day}>
              <th scope="row">{labels[index]}</th>
              <td>{formatMoney(item.amount, currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
