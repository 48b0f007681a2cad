/** How a model behaves, for simulated agents: latency and tokens are log-normal around these medians. */
export interface ModelProfile {
  name: string;
  latencyMedianSeconds: number;
  latencySigma: number;
  inputTokensMedian: number;
  outputTokensMedian: number;
  /** Log-normal shape of the output length; model drift widens it. */
  outputTokensSigma: number;
  errorRate: number;
  /** US dollars per million input / output tokens. */
  inputPricePerMillion: number;
  outputPricePerMillion: number;
  qualityMean: number;
}

export const MODELS: readonly ModelProfile[] = [
  {
    name: 'gpt-4o',
    latencyMedianSeconds: 0.9,
    latencySigma: 0.45,
    inputTokensMedian: 800,
    outputTokensMedian: 250,
    outputTokensSigma: 0.6,
    errorRate: 0.01,
    inputPricePerMillion: 2.5,
    outputPricePerMillion: 10,
    qualityMean: 0.88,
  },
  {
    name: 'gpt-4o-mini',
    latencyMedianSeconds: 0.45,
    latencySigma: 0.4,
    inputTokensMedian: 600,
    outputTokensMedian: 200,
    outputTokensSigma: 0.55,
    errorRate: 0.015,
    inputPricePerMillion: 0.15,
    outputPricePerMillion: 0.6,
    qualityMean: 0.8,
  },
  {
    name: 'claude-sonnet-4',
    latencyMedianSeconds: 1.1,
    latencySigma: 0.5,
    inputTokensMedian: 1200,
    outputTokensMedian: 350,
    outputTokensSigma: 0.65,
    errorRate: 0.008,
    inputPricePerMillion: 3,
    outputPricePerMillion: 15,
    qualityMean: 0.89,
  },
  {
    name: 'llama-3.1-8b',
    latencyMedianSeconds: 0.3,
    latencySigma: 0.35,
    inputTokensMedian: 500,
    outputTokensMedian: 180,
    outputTokensSigma: 0.5,
    errorRate: 0.02,
    inputPricePerMillion: 0.05,
    outputPricePerMillion: 0.08,
    qualityMean: 0.74,
  },
];

/** A pool: its share of the fleet and which models its agents run (weights over MODELS, by name). */
export interface PoolProfile {
  name: string;
  share: number;
  models: Readonly<Record<string, number>>;
}

export const POOL_PROFILES: readonly PoolProfile[] = [
  { name: 'support', share: 0.35, models: { 'gpt-4o-mini': 0.5, 'gpt-4o': 0.3, 'llama-3.1-8b': 0.2 } },
  { name: 'research', share: 0.2, models: { 'claude-sonnet-4': 0.5, 'gpt-4o': 0.4, 'gpt-4o-mini': 0.1 } },
  { name: 'coding', share: 0.3, models: { 'claude-sonnet-4': 0.6, 'gpt-4o': 0.3, 'llama-3.1-8b': 0.1 } },
  { name: 'triage', share: 0.15, models: { 'llama-3.1-8b': 0.6, 'gpt-4o-mini': 0.4 } },
];

export const POOLS: readonly string[] = POOL_PROFILES.map((pool) => pool.name);

export type InteractionKind = 'delegation' | 'message' | 'tool_handoff';

/** A tool (function) agents call: log-normal duration around its median, failing at its own rate. */
export interface ToolProfile {
  name: string;
  durationMedianSeconds: number;
  errorRate: number;
}

export const TOOL_PROFILES = {
  webSearch: { name: 'web_search', durationMedianSeconds: 0.6, errorRate: 0.02 },
  retrieveDocuments: { name: 'retrieve_documents', durationMedianSeconds: 0.12, errorRate: 0.005 },
  sqlQuery: { name: 'sql_query', durationMedianSeconds: 0.08, errorRate: 0.01 },
  codeInterpreter: { name: 'code_interpreter', durationMedianSeconds: 1.5, errorRate: 0.04 },
  httpRequest: { name: 'http_request', durationMedianSeconds: 0.3, errorRate: 0.03 },
  createTicket: { name: 'create_ticket', durationMedianSeconds: 0.2, errorRate: 0.01 },
  runTests: { name: 'run_tests', durationMedianSeconds: 4, errorRate: 0.06 },
} as const satisfies Record<string, ToolProfile>;

/** A role: how often a request hands work to a neighbour, how, and how many tools it calls. */
export interface AgentTypeProfile {
  name: string;
  share: number;
  /** Probability that one request hands work to a graph neighbour. */
  handoffProbability: number;
  handoffKind: InteractionKind;
  /** Mean tool calls per request (Poisson). */
  toolCallsMean: number;
  /** The tools its calls go to, each call one of them at random. */
  tools: readonly ToolProfile[];
}

const T = TOOL_PROFILES;

export const AGENT_TYPE_PROFILES: readonly AgentTypeProfile[] = [
  {
    name: 'general',
    share: 0.45,
    handoffProbability: 0.12,
    handoffKind: 'message',
    toolCallsMean: 0.6,
    tools: [T.webSearch, T.retrieveDocuments, T.createTicket],
  },
  {
    name: 'planner',
    share: 0.15,
    handoffProbability: 0.45,
    handoffKind: 'delegation',
    toolCallsMean: 1.2,
    tools: [T.retrieveDocuments, T.webSearch],
  },
  {
    name: 'tool-user',
    share: 0.25,
    handoffProbability: 0.25,
    handoffKind: 'tool_handoff',
    toolCallsMean: 2.5,
    tools: [T.sqlQuery, T.codeInterpreter, T.httpRequest, T.webSearch],
  },
  {
    name: 'reviewer',
    share: 0.15,
    handoffProbability: 0.1,
    handoffKind: 'message',
    toolCallsMean: 0.3,
    tools: [T.runTests, T.retrieveDocuments],
  },
];

export const AGENT_TYPES: readonly string[] = AGENT_TYPE_PROFILES.map((type) => type.name);

export function modelNamed(name: string): ModelProfile {
  const model = MODELS.find((m) => m.name === name);
  if (!model) throw new Error(`unknown model ${name}`);
  return model;
}
