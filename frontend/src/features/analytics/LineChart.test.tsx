import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LineChart } from './LineChart';

describe('LineChart', () => {
  it('marks a single point with a dot (it draws no line), and only then', () => {
    const one = render(<LineChart title="One" points={[{ time: '2026-12-04T10:00:00Z', value: -2.3 }]} />);
    const dot = one.container.querySelector('circle');
    // A loss alone sits at the bottom of the box (zero is the top), at its left edge.
    expect([dot?.getAttribute('cx'), dot?.getAttribute('cy')]).toEqual(['64', '176']);
    const two = render(
      <LineChart
        title="Two"
        points={[
          { time: '2026-12-03T10:00:00Z', value: 1 },
          { time: '2026-12-04T10:00:00Z', value: 2 },
        ]}
      />,
    );
    expect(two.container.querySelector('circle')).toBeNull();
  });
});
