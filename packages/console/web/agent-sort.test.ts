import { BY_NAME, clickSort, sortingOf } from './agent-sort';

describe('clickSort', () => {
  it('sorts a new column in its first direction (worst first), and flips it on a second click', () => {
    expect(clickSort(BY_NAME, 'health')).toEqual({ sort: 'health', order: 'asc' });
    expect(clickSort(BY_NAME, 'status')).toEqual({ sort: 'status', order: 'desc' });
    expect(clickSort({ sort: 'status', order: 'desc' }, 'status')).toEqual({ sort: 'status', order: 'asc' });
    expect(clickSort(BY_NAME, 'name')).toEqual({ sort: 'name', order: 'desc' });
    expect(clickSort({ sort: 'health', order: 'desc' }, 'lastSeen')).toEqual({ sort: 'lastSeen', order: 'asc' });
  });
});

describe('sortingOf', () => {
  it("reads the URL's sort and order, with the column's first direction when the order is missing", () => {
    expect(sortingOf(new URLSearchParams('sort=lastSeen&order=desc'))).toEqual({ sort: 'lastSeen', order: 'desc' });
    expect(sortingOf(new URLSearchParams('sort=status'))).toEqual({ sort: 'status', order: 'desc' });
  });

  it('falls back to by name for no sort, an unknown one, or an inherited property name', () => {
    expect(sortingOf(new URLSearchParams(''))).toEqual(BY_NAME);
    expect(sortingOf(new URLSearchParams('sort=cost&order=desc'))).toEqual(BY_NAME);
    expect(sortingOf(new URLSearchParams('sort=toString'))).toEqual(BY_NAME);
    expect(sortingOf(new URLSearchParams('sort=health&order=sideways'))).toEqual({ sort: 'health', order: 'asc' });
  });
});
