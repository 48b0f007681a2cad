import { ConfigError, parseEnv } from '@swarmscope/core';
import { incidentsEnv } from './env';

describe('incidents configuration', () => {
  it('has working defaults: port 8084, templates only, no Alertmanager', () => {
    const env = parseEnv(incidentsEnv, {});
    expect(env).toMatchObject({
      INCIDENTS_PORT: 8084,
      INCIDENT_GROUP_WAIT_SECONDS: 30,
      LLM_API: 'ollama',
      NARRATOR_AGENT_ID: 'swarmscope-narrator',
    });
    expect(env.LLM_URL).toBeUndefined();
    expect(env.ALERTMANAGER_URL).toBeUndefined();
  });

  it('refuses bad values naming the variable', () => {
    const problems = (vars: NodeJS.ProcessEnv) => {
      try {
        parseEnv(incidentsEnv, vars);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problems({ LLM_URL: 'http://127.0.0.1:11434' })).toEqual(['LLM_MODEL: is required when LLM_URL is set']);
    expect(problems({ LLM_API: 'anthropic' })[0]).toMatch(/^LLM_API: .* \(got "anthropic"\)$/);
    expect(problems({ LLM_URL: 'ftp://x', LLM_MODEL: 'm' })[0]).toMatch(/^LLM_URL: must use http: or https:/);
    expect(problems({ INCIDENT_BURST_MIN: '1' })[0]).toMatch(/^INCIDENT_BURST_MIN: must be ≥ 2/);
    expect(problems({ NARRATOR_AGENT_ID: 'no spaces please' })[0]).toMatch(
      /^NARRATOR_AGENT_ID: must be 1 to 128 characters/,
    );
  });
});
