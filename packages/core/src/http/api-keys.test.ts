import { grants, parseApiKeys, secretFor } from './api-keys';

describe('parseApiKeys', () => {
  it('reads scope:secret entries and numbers them without showing the secret', () => {
    expect(parseApiKeys(['ingest:K1', 'admin:K2', 'read:K3'])).toEqual([
      { secret: 'K1', scope: 'ingest', id: 'ingest#1' },
      { secret: 'K2', scope: 'admin', id: 'admin#2' },
      { secret: 'K3', scope: 'read', id: 'read#3' },
    ]);
  });

  it('takes a bare secret, and a prefix that is no scope, as an admin key with the whole entry as secret', () => {
    expect(parseApiKeys(['legacy', 'abc:def', 'ingest:'])).toEqual([
      { secret: 'legacy', scope: 'admin', id: 'admin#1' },
      { secret: 'abc:def', scope: 'admin', id: 'admin#2' },
      { secret: 'ingest:', scope: 'admin', id: 'admin#3' },
    ]);
  });

  it('keeps colons after the scope in the secret', () => {
    expect(parseApiKeys(['read:a:b'])[0]).toMatchObject({ scope: 'read', secret: 'a:b' });
  });
});

describe('secretFor', () => {
  it('picks the first key that may call the scope, an admin one included', () => {
    expect(secretFor(['read:R', 'admin:A', 'ingest:I'], 'ingest')).toBe('A');
    expect(secretFor(['ingest:I', 'admin:A'], 'ingest')).toBe('I');
    expect(secretFor(['ingest:I', 'legacy'], 'admin')).toBe('legacy');
    expect(secretFor(['ingest:I'], 'admin')).toBeUndefined();
    expect(secretFor([], 'ingest')).toBeUndefined();
  });
});

describe('grants', () => {
  it('lets admin do anything and the other scopes only their own', () => {
    expect(grants('admin', 'ingest')).toBe(true);
    expect(grants('admin', 'read')).toBe(true);
    expect(grants('ingest', 'ingest')).toBe(true);
    expect(grants('ingest', 'read')).toBe(false);
    expect(grants('read', 'ingest')).toBe(false);
    expect(grants('ingest', 'admin')).toBe(false);
  });
});
