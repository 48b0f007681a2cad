import type { Attributes, AttributeValue } from './otlp-wire';

/**
 * How spans and data points name their agent, pool and model: each a list of alternatives, the first whose attributes
 * are all present wins. An alternative is one attribute or several joined by `+` (their values joined by `:`). A
 * span's own attributes are read before its resource's. Set by OTLP_AGENT_IDENTITY, OTLP_POOL_ATTRIBUTES,
 * OTLP_MODEL_ATTRIBUTES (alternatives separated by `,`).
 */
export interface IdentityRules {
  agent: readonly string[][];
  pool: readonly string[][];
  model: readonly string[][];
}

export const DEFAULT_IDENTITY = {
  agent: 'gen_ai.agent.id,gen_ai.agent.name+service.instance.id,gen_ai.agent.name,service.instance.id,service.name',
  pool: 'swarmscope.pool,service.name',
  model: 'gen_ai.response.model,gen_ai.request.model',
} as const;

/** `a,b+c` → [['a'], ['b', 'c']]. */
export function parseAlternatives(text: string): string[][] {
  return text
    .split(',')
    .map((alternative) =>
      alternative
        .split('+')
        .map((key) => key.trim())
        .filter((key) => key !== ''),
    )
    .filter((keys) => keys.length > 0);
}

export function identityRules(vars: { agent: string; pool: string; model: string }): IdentityRules {
  return {
    agent: parseAlternatives(vars.agent),
    pool: parseAlternatives(vars.pool),
    model: parseAlternatives(vars.model),
  };
}

/** The SDK's placeholder when a process names no service: not an identity. */
const isPlaceholder = (key: string, value: string) => key === 'service.name' && value.startsWith('unknown_service');

function scalar(value: AttributeValue | undefined): string | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}

export interface Resolved {
  value: string;
  /** Whether every attribute of the winning alternative came from the resource (not the span). */
  fromResource: boolean;
}

/** The first alternative whose attributes are all present, its values joined by `:`. */
export function resolve(
  alternatives: readonly string[][],
  own: Attributes,
  resource: Attributes | undefined,
): Resolved | undefined {
  for (const keys of alternatives) {
    const values: string[] = [];
    let fromResource = true;
    for (const key of keys) {
      let value = scalar(own[key]);
      if (value !== undefined) fromResource = false;
      else if (resource) value = scalar(resource[key]);
      if (value === undefined || isPlaceholder(key, value)) break;
      values.push(value);
    }
    if (values.length === keys.length) return { value: values.join(':'), fromResource };
  }
  return undefined;
}

const NOT_ID = /[^A-Za-z0-9._:-]+/g;
const ID = /^[A-Za-z0-9._:-]*$/;

/** An agent id or pool name in the platform's charset (other characters become `_`); undefined past 128 characters. */
export function asId(value: string): string | undefined {
  const id = ID.test(value) ? value : value.replace(NOT_ID, '_');
  return id.length <= 128 ? id : undefined;
}

/** A stable key of the resource, to tell "the same process" apart. */
export function resourceKey(resource: Attributes): string {
  return `${scalar(resource['service.name']) ?? ''}|${scalar(resource['service.instance.id']) ?? ''}`;
}
