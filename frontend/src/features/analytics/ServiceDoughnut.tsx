/** A month's spend per service as a doughnut, with the numbers as a table for screen readers. */
import { Chart } from 'react-chartjs-2';
import type { ChartData, ChartOptions } from 'chart.js';
import { useComputedColorScheme } from '@mantine/core';
import '@/lib/chart';
import type { SpendByService } from '@/api/types';
import { formatMoney, toChartNumber } from '@/lib/format';

/** Colours of the slices, in turn (the largest services get the first ones). */
const PALETTE = [
  '#4c6ef5', '#12b886', '#fab005', '#fa5252', '#7950f2', '#15aabf', '#fd7e14', '#82c91e', '#e64980', '#868e96',
];

export function ServiceDoughnut({ report }: { report: SpendByService }) {
  const scheme = useComputedColorScheme('light');
  const text = scheme === 'dark' ? '#c9c9c9' : '#495057';
  const { services, currency } = report;
  const data: ChartData<'doughnut', number[], string> = {
    labels: services.map((item) => item.service_name),
    datasets: [{
      data: services.map((item) => toChartNumber(item.amount)),
      backgroundColor: services.map((_, index) => PALETTE[index % PALETTE.length]!),
      borderWidth: 1,
    }],
  };
  const options: ChartOptions<'doughnut'> = {
    responsive: true,
    maintainAspectRatio: false,
    plugins: {
      legend: { position: 'bottom', labels: { color: text, usePointStyle: true, boxWidth: 8 } },
      tooltip: {
        callbacks: {
          // The server's decimal strings, not the plotted floats.
          label: (item) => {
            const service = services[item.dataIndex];
            return service ? `${service.service_name}: ${formatMoney(service.amount, currency)}` : '';
          },
        },
      },
    },
  };
  return (
    <figure style={{ margin: 0 }}>
      <div style={{ position: 'relative', height: 300 }}>
        <Chart type="doughnut" data={data} options={options} aria-label="Cost by service" role="img" />
      </div>
      <table className="visually-hidden">
        <caption>Cost by service</caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Category</th>
            <th scope="col">Amount</th>
          </tr>
        </thead>
        <tbody>
          {services.map((item) => (
            <tr key={item.service_id}>
              <th scope="row">{item.service_name}</th>
              <td>{item.category}</td>
              <td>{formatMoney(item.amount, currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
