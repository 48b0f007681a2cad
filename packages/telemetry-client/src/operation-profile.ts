import { SpanKind, type Attributes, type SpanOptions } from '@opentelemetry/api';
import {
  ATTR_AGENT_ID,
  ATTR_AGENT_NAME,
  ATTR_OPERATION_NAME,
  ATTR_PROVIDER_NAME,
  ATTR_REQUEST_MODEL,
  ATTR_TOKEN_TYPE,
  MODEL_CALL_OPERATIONS,
  operationAttributes,
  type GenAiOperationName,
} from './gen-ai-telemetry';
import type { ModelPrice, Pricing } from './pricing';

/**
 * Everything about one (operation, model, provider) of an agent that does not change between calls,
 * built once so trackRequest() allocates no attributes on its common path: span name and options,
 * metric attributes, price. Shared attribute objects are frozen: the SDK copies what it keeps.
 */
export interface OperationProfile {
  readonly operation: GenAiOperationName;
  readonly model: string;
  readonly provider: string | undefined;
  readonly spanName: string;
  readonly spanOptions: SpanOptions;
  readonly price: ModelPrice | undefined;
  /** Whether it calls a model (chat, ...): a CLIENT span and the gen_ai.client.* metrics; else an agent's own operation. */
  readonly modelCall: boolean;
  /** Metric attributes of a successful call whose answer named no response model. */
  readonly succeeded: Attributes;
  /** The same for `gen_ai.client.token.usage`, per token type. */
  readonly inputTokens: Attributes;
  readonly outputTokens: Attributes;
}

/** The agent a profile belongs to. */
export interface ProfileOwner {
  agentId: string;
  /** gen_ai.agent.name. */
  name: string;
  pricing: Pricing;
}

export function buildOperationProfile(
  owner: ProfileOwner,
  operation: GenAiOperationName,
  model: string,
  provider: string | undefined,
): OperationProfile {
  // Known at the start, so samplers can use them.
  const attributes: Attributes = { [ATTR_OPERATION_NAME]: operation, [ATTR_REQUEST_MODEL]: model };
  if (provider !== undefined) attributes[ATTR_PROVIDER_NAME] = provider;
  attributes[ATTR_AGENT_ID] = owner.agentId;
  attributes[ATTR_AGENT_NAME] = owner.name;
  // gen_ai.response.model only when the answer names one (RequestScope.setResponseModel).
  const succeeded = Object.freeze(operationAttributes(operation, provider, model, undefined, undefined));
  const modelCall = MODEL_CALL_OPERATIONS.has(operation);
  return {
    operation,
    model,
    provider,
    // The conventions name agent operations after the agent, model calls after the model.
    spanName:
      operation === 'invoke_agent' || operation === 'create_agent'
        ? `${operation} ${owner.name}`
        : `${operation} ${model}`,
    // An agent's own invocation runs in process; creating an agent and calling a model are calls out.
    spanOptions: Object.freeze({
      kind: operation === 'invoke_agent' ? SpanKind.INTERNAL : SpanKind.CLIENT,
      attributes: Object.freeze(attributes),
    }),
    price: owner.pricing.lookup(model),
    modelCall,
    succeeded,
    inputTokens: Object.freeze({ ...succeeded, [ATTR_TOKEN_TYPE]: 'input' }),
    outputTokens: Object.freeze({ ...succeeded, [ATTR_TOKEN_TYPE]: 'output' }),
  };
}
