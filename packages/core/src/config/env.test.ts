import { z } from 'zod';
import { commonEnv, ConfigError, intVar, parseEnv } from './env';

describe('parseEnv', () => {
  it('applies defaults and coerces strings', () => {
    const env = parseEnv(commonEnv, { BUS_SHARDS: '8', API_KEYS: ' a, ,b ' });
    expect(env).toMatchObject({
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      BUS_SHARDS: 8,
      API_KEYS: ['a', 'b'],
      BODY_LIMIT_BYTES: 5 * 1024 * 1024,
    });
    expect(env.REDIS_URL).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    expect(parseEnv(commonEnv, { BUS_SHARDS: '' }).BUS_SHARDS).toBe(16);
  });

  it('names every bad variable, the problem and the value given', () => {
    let caught: unknown;
    try {
      parseEnv(commonEnv, { BUS_SHARDS: 'lots', REDIS_URL: 'http://x:1', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^BUS_SHARDS: .* \(got "lots"\)$/m);
    expect(problems).toMatch(/^REDIS_URL: must use redis: or rediss: \(got "http:\/\/x:1"\)$/m);
    expect(problems).toMatch(/^LOG_LEVEL: .*\(got "loud"\)$/m);
  });

  it('enforces bounds with a message that states them', () => {
    const schema = z.object({ PORT: intVar(1, 10, 5) });
    expect(() => parseEnv(schema, { PORT: '11' })).toThrow('PORT: must be ≤ 10 (got "11")');
    expect(() => parseEnv(schema, { PORT: '2.5' })).toThrow('PORT: must be an integer (got "2.5")');
  });
});
