import { asId, DEFAULT_IDENTITY, identityRules, parseAlternatives, resolve } from './identity';

const rules = identityRules(DEFAULT_IDENTITY);

describe('agent identity', () => {
  it('takes the first alternative whose attributes are all set, the span before its resource', () => {
    const resource = { 'service.name': 'crew', 'service.instance.id': 'pod-7' };
    expect(resolve(rules.agent, { 'gen_ai.agent.id': 'agt_42', 'gen_ai.agent.name': 'Writer' }, resource)).toEqual({
      value: 'agt_42',
      fromResource: false,
    });
    expect(resolve(rules.agent, { 'gen_ai.agent.name': 'Writer' }, resource)).toEqual({
      value: 'Writer:pod-7',
      fromResource: false,
    });
    expect(resolve(rules.agent, { 'gen_ai.agent.name': 'Writer' }, { 'service.name': 'crew' })).toEqual({
      value: 'Writer',
      fromResource: false,
    });
    expect(resolve(rules.agent, {}, resource)).toEqual({ value: 'pod-7', fromResource: true });
    expect(resolve(rules.agent, {}, { 'service.name': 'crew' })).toEqual({ value: 'crew', fromResource: true });
  });

  it('has none for the SDK placeholder service name or empty values', () => {
    expect(resolve(rules.agent, {}, { 'service.name': 'unknown_service:node' })).toBeUndefined();
    expect(resolve(rules.agent, { 'gen_ai.agent.id': '' }, {})).toBeUndefined();
  });

  it('is configurable: alternatives by comma, attributes joined by +', () => {
    expect(parseAlternatives(' team + role , service.name ,')).toEqual([['team', 'role'], ['service.name']]);
    expect(
      resolve(parseAlternatives('team+role,service.name'), { role: 'critic' }, { team: 'red', 'service.name': 's' })
        ?.value,
    ).toBe('red:critic');
  });

  it('maps other characters into the id charset and refuses ids past 128 characters', () => {
    expect(asId('Math Tutor/v2')).toBe('Math_Tutor_v2');
    expect(asId('x'.repeat(128))).toHaveLength(128);
    expect(asId('x'.repeat(129))).toBeUndefined();
  });
});
