import { hashOf, hashRoute } from './hash-query';

describe('hashRoute / hashOf', () => {
  it('splits the route from the view state and round-trips it', () => {
    const { parts, params } = hashRoute('#/agents?status=failing&cursor=agent-000049&page=2');
    expect(parts).toEqual(['agents']);
    expect(Object.fromEntries(params)).toEqual({ status: 'failing', cursor: 'agent-000049', page: '2' });
    expect(hashOf(parts, Object.fromEntries(params))).toBe('#/agents?status=failing&cursor=agent-000049&page=2');
  });

  it('decodes and encodes ids in the path, and drops empty params', () => {
    expect(hashRoute('#/agents/a%2Fb%20c').parts).toEqual(['agents', 'a/b c']);
    expect(hashOf(['agents', 'a/b c'], { status: '', page: undefined })).toBe('#/agents/a%2Fb%20c');
    expect(hashRoute('').parts).toEqual([]);
    expect(hashRoute('#/incidents/').parts).toEqual(['incidents']);
  });
});
