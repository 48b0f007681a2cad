import { buildPrompt, incidentFacts, parseAnswer, PROMPT_TEMPLATES } from './prompt';
import { burstIncident } from './test-support/fixtures';

describe('prompt', () => {
  it('holds the incident numbers, not the detectors’ prose, and names its template', () => {
    const incident = burstIncident();
    const { template, messages } = buildPrompt(incident);
    expect(template).toBe(PROMPT_TEMPLATES.anomalies);
    expect(
      buildPrompt({
        ...incident,
        emergence: [
          { id: 'e', type: 'cascade_failure', scope: 'coding', magnitude: 0.9, agents: 4, startedAt: 0, evidence: {} },
        ],
      }).template,
    ).toBe(PROMPT_TEMPLATES.emergence);
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    const facts = incidentFacts(incident);
    expect(facts).toMatchObject({
      agentCount: 12,
      anomalyCount: 12,
      anomalyTypes: { latency_spike: 12 },
      pools: ['support'],
      startedAt: '2026-01-05T06:00:00.000Z',
    });
    expect(JSON.parse(messages[1]!.content)).toEqual(facts);
    expect(JSON.stringify(messages)).not.toContain('RAW DETECTOR PROSE');
  });

  it('takes the JSON object asked for, inside code fences or prose, and nothing else', () => {
    const answer = {
      what: 'Slow agents.',
      where: 'Pool support.',
      since: 'Since 06:00.',
      cause: 'A shared dependency.',
      next: 'Check the retriever.',
    };
    expect(parseAnswer(JSON.stringify(answer))).toEqual(answer);
    expect(parseAnswer('Here you go:\n```json\n' + JSON.stringify(answer) + '\n```')).toEqual(answer);
    expect(parseAnswer(JSON.stringify({ ...answer, next: undefined }))).toBeUndefined();
    expect(parseAnswer(JSON.stringify({ ...answer, cause: 'x'.repeat(801) }))).toBeUndefined();
    expect(parseAnswer(JSON.stringify({ ...answer, what: 42 }))).toBeUndefined();
    expect(parseAnswer('{ what: unquoted }')).toBeUndefined();
    expect(parseAnswer('no json at all')).toBeUndefined();
  });
});
