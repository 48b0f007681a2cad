import { latencySlosVar } from './env';

describe('LATENCY_SLOS', () => {
  it('parses objectives per pool and model, a fallback, and the default target', () => {
    expect(latencySlosVar.parse('pool:research=10, model:gpt-4o=6@0.995,*=30')).toEqual({
      pools: { research: { seconds: 10, target: 0.99 } },
      models: { 'gpt-4o': { seconds: 6, target: 0.995 } },
      fallback: { seconds: 30, target: 0.99 },
    });
    expect(latencySlosVar.parse(undefined)).toEqual({ pools: {}, models: {} });
  });

  it('rejects an entry it cannot read, naming it', () => {
    for (const bad of ['research=10', 'pool:research=0', 'pool:research=10@1', 'pool:x=abc', 'pool:research=5000']) {
      const result = latencySlosVar.safeParse(bad);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toContain(`"${bad}"`);
    }
  });
});
