import { busConsumerVar, commonEnv, intVar, numberVar, urlVar } from '@swarmscope/core';
import { z } from 'zod';

const seconds = (min: number, max: number, fallback: number) => numberVar(min, max, fallback);

/** incidents' environment; every variable is listed in docs/configuration.md (tools/cli/src/docs.test.ts checks). */
export const incidentsEnv = commonEnv
  .extend({
    INCIDENTS_PORT: intVar(0, 65535, 8084),
    /** Wall-clock period of the correlator's step (opening what waited, resolving what went quiet). */
    INCIDENT_TICK_SECONDS: seconds(0.05, 60, 5),
    /** A new anomaly waits this long for companions before it opens an incident of its own. */
    INCIDENT_GROUP_WAIT_SECONDS: seconds(0, 600, 30),
    /** Onsets of one anomaly type on one model this close are one burst, from INCIDENT_BURST_MIN agents; so are agents going silent this close together. */
    INCIDENT_COHORT_WINDOW_SECONDS: seconds(1, 3600, 60),
    INCIDENT_BURST_MIN: intVar(2, 1000, 3),
    /** Interaction-graph neighbours whose onsets are this close share an incident. */
    INCIDENT_NEIGHBOUR_WINDOW_SECONDS: seconds(0, 86_400, 120),
    /** Interactions older than this no longer make agents neighbours. */
    INCIDENT_GRAPH_WINDOW_SECONDS: seconds(60, 86_400, 900),
    /** After the last of its events ended, an incident resolves by itself once this much time passed. */
    INCIDENT_QUIET_SECONDS: seconds(0, 86_400, 300),
    /** Trouble coming back this soon after an incident resolved by itself reopens it. */
    INCIDENT_REOPEN_SECONDS: seconds(0, 7 * 86_400, 1800),
    /** Resolved incidents are kept this long. */
    INCIDENT_RETENTION_HOURS: intVar(1, 24 * 365, 168),
    /** Alertmanager base URL; incidents (not raw events) become alerts when set. */
    ALERTMANAGER_URL: urlVar(['http:', 'https:']),
    /** Open alerts are re-posted this often (Alertmanager resolves alerts it stops hearing about). */
    ALERT_RESEND_SECONDS: intVar(5, 3600, 60),
    /** Where operators reach this service (links in alerts). */
    PUBLIC_URL: urlVar(['http:', 'https:']),
    /** LLM narration: an Ollama server (`http://127.0.0.1:11434`) or an OpenAI-compatible endpoint; templates when unset. */
    LLM_URL: urlVar(['http:', 'https:']),
    LLM_MODEL: z.string().min(1).max(128).optional(),
    LLM_API: z.enum(['ollama', 'openai']).default('ollama'),
    LLM_API_KEY: z.string().min(1).optional(),
    LLM_TIMEOUT_SECONDS: seconds(0.1, 300, 10),
    LLM_RATE_PER_MINUTE: numberVar(0.1, 10_000, 10),
    LLM_TOKEN_BUDGET_PER_HOUR: intVar(100, 100_000_000, 50_000),
    LLM_MAX_TOKENS: intVar(50, 8192, 400),
    /** health-monitor URL the narrator reports its LLM calls to, through the SDK, as the agent NARRATOR_AGENT_ID. */
    NARRATOR_REPORT_URL: urlVar(['http:', 'https:']),
    /** API key for NARRATOR_REPORT_URL (default: the first of API_KEYS). */
    NARRATOR_REPORT_API_KEY: z.string().min(1).optional(),
    NARRATOR_AGENT_ID: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1 to 128 characters of [A-Za-z0-9._:-]')
      .default('swarmscope-narrator'),
    /** This replica's consumer name in the bus group (one replica: incidents is a fleet-wide singleton). */
    BUS_CONSUMER: busConsumerVar(),
  })
  .superRefine((env, ctx) => {
    if (env.LLM_URL && !env.LLM_MODEL)
      ctx.addIssue({ code: 'custom', path: ['LLM_MODEL'], message: 'is required when LLM_URL is set' });
  });
export type IncidentsEnv = z.infer<typeof incidentsEnv>;
