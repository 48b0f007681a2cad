import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  type AgentRecord,
  type AnomalyEvent,
  type EmergenceEvent,
  type Incident,
  type WindowSummary,
} from '@swarmscope/core';

export const silent = createLogger({ name: 'history-test', level: 'silent' });

const madeDirs: string[] = [];
// The data directories a test file made go when its tests are done (its stores are closed by then).
afterAll(() => {
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-history-'));
  madeDirs.push(dir);
  return dir;
}

export function agent(id: string, pool = 'support'): AgentRecord {
  return {
    id,
    model: 'gpt-4o',
    type: 'chat',
    pool,
    labels: { team: 'a' },
    registeredAt: 1000,
    lastSeen: 2000,
    status: 'healthy',
    healthScore: 0.9,
  };
}

export function window(start: number, count = 10, durationMs = 60_000): WindowSummary {
  return {
    start,
    durationMs,
    count,
    errors: 1,
    errorRate: 1 / count,
    latency: { mean: 0.5, p50: 0.4, p95: 0.9, p99: 1.2, max: 1.5, samples: count },
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.01,
    means: { queue_depth: 3 },
  };
}

export function anomaly(id: string, time: number): AnomalyEvent {
  return {
    id,
    event: 'opened',
    time,
    startedAt: time,
    agentId: 'a-1',
    model: 'gpt-4o',
    pool: 'support',
    type: 'chat',
    severity: 'high',
    score: 0.8,
    confidence: 0.7,
    detectors: ['zscore'],
    features: ['latency'],
    evidence: { observed: 3 },
    explanation: 'slow',
  };
}

export function emergence(id: string, time: number): EmergenceEvent {
  return {
    id,
    event: 'opened',
    type: 'cascade_failure',
    time,
    startedAt: time,
    scope: 'support',
    magnitude: 0.6,
    confidence: 0.5,
    agents: ['a-1', 'a-2'],
    communities: [0],
    window: { from: time - 60_000, to: time },
    evidence: { spread: 2 },
    explanation: 'spreading',
  };
}

export function incident(id: string, status: Incident['status'] = 'open'): Incident {
  return {
    id,
    status,
    severity: 'high',
    title: 'support is slow',
    revision: 2,
    startedAt: 1000,
    openedAt: 1000,
    updatedAt: 2000,
    lastEventAt: 2000,
    pools: ['support'],
    models: ['gpt-4o'],
    agents: ['a-1'],
    agentCount: 1,
    anomalies: [],
    anomalyCount: 1,
    activeAnomalies: 1,
    emergence: [],
    reasons: ['same agent'],
    narrative: {
      source: 'template',
      template: 't1',
      revision: 2,
      generatedAt: 2000,
      what: 'w',
      where: 'p',
      since: 's',
      cause: 'c',
      next: 'n',
    },
    timeline: [
      { at: 1000, kind: 'opened', detail: 'opened' },
      { at: 2000, kind: 'acknowledged', detail: 'looking', by: 'ana' },
    ],
  };
}
