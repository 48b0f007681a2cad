import type { Fleet } from './fleet';
import type { PriceTable } from './pricing';

/** Options of {@link AgentMonitor}'s constructor. */
export interface AgentMonitorOptions {
  /** 1..128 characters of [A-Za-z0-9._:-]. */
  agentId: string;
  /** The model the agent calls (the request model of its spans, the key of its price). */
  model: string;
  /** Human-readable name for spans (`gen_ai.agent.name`); default the agentId. */
  name?: string;
  /**
   * `gen_ai.provider.name` of its model calls (`openai`, `anthropic`, `gcp.gemini`, `aws.bedrock`, …);
   * default the price table's provider of `model`, if any.
   */
  provider?: string;
  /**
   * USD per million input/output tokens by model, replacing or extending the built-in table
   * (`DEFAULT_PRICES`) name by name. A model with no price gets no `cost_usd`.
   */
  prices?: PriceTable;
  /** Default 'general'. */
  type?: string;
  /** Default 'default'. */
  pool?: string;
  labels?: Readonly<Record<string, string>>;
  /** Where to report when no fleet is given (the monitor then owns a Fleet it closes). */
  endpoint?: string;
  apiKey?: string;
  /** Shared carrier of many monitors; the monitor never closes it. */
  fleet?: Fleet;
  /** A `requests: 0` report is sent after this long without any report; 0 disables. Default 10 000. */
  heartbeatIntervalMs?: number;
  /** Clock for report timestamps (epoch ms); default Date.now. */
  now?: () => number;
}

/** Options of {@link AgentMonitor.start}. */
export interface AgentMonitorStartOptions extends AgentMonitorOptions {
  /**
   * start() resolves once the registration reached the server, or after this long (the report stays
   * queued and is retried): an unreachable platform never fails nor blocks the agent. Default 1000; 0 = do
   * not wait.
   */
  registerTimeoutMs?: number;
}
