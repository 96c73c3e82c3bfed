import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Highlighted, searchWords } from './highlight';

describe('search highlighting', () => {
  it('splits the search into distinct lower-case words as the API does', () => {
    expect(searchWords('ORD-7 "(* ord')).toEqual(['ord', '7']);
    expect(searchWords('  ')).toEqual([]);
  });

  it('marks every occurrence of any word, in any case, inside words too', () => {
    const { container } = render(<Highlighted text="Order ORD-7 ordered 77" words={['ord', '7']} />);
    expect([...container.querySelectorAll('mark')].map((mark) => mark.textContent)).toEqual(['Ord', 'ORD', '7', 'ord', '7', '7']);
    expect(container.textContent).toBe('Order ORD-7 ordered 77');
  });

  it('takes regular expression characters in a word literally', () => {
    const { container } = render(<Highlighted text="a.b axb" words={['a.b']} />);
    expect(container.querySelectorAll('mark')).toHaveLength(1);
  });
});
