/** @swarmscope/incidents: correlated anomaly and emergence events, explained for whoever is on call. */
export { Correlator, DEFAULT_CORRELATOR_OPTIONS } from './correlator';
export { scoreIncidents } from './incident-purity';
export { templateNarrative, templateNameOf } from './template-narrative';
export { buildPrompt, incidentFacts, parseAnswer, PROMPT_TEMPLATES } from './prompt';
export { chat, LlmError } from './llm-client';
export { Narrator, materialKey } from './narrator';

export type { ActionRefusal, CorrelatorOptions } from './correlator';
export type { Advisory, AdvisoryFilter } from './advisories';
export type { FaultPurity, IncidentPurity, PurityOptions, ScoredIncident, TruthFault } from './incident-purity';
export type { ChatMessage, NarrativeAnswer } from './prompt';
export type { ChatAnswer, LlmApi, LlmEndpoint, LlmFailure } from './llm-client';
export type { FallbackReason, NarratorOptions } from './narrator';

// The service edge.
export { IncidentService, CONSUMER_GROUP, SERVICE_NAME } from './incident-service';
export { AlertmanagerSink, toAlert } from './alertmanager-sink';
export { incidentsEnv } from './env';
export { incidentsInstance, runIncidents } from './run';
export { incidentsService } from './service';
export type { IncidentServiceDeps } from './incident-service';
export type { ActionOutcome, IncidentsPort } from './routes';
export type { PostableAlert } from './alertmanager-sink';
export type { IncidentsEnv } from './env';
export type { RunningIncidents } from './run';
