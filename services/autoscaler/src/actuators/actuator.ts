/** The actuators a decision can go to (the `actuator` label of the actuations metric). */
export const ACTUATOR_KINDS = ['dry-run', 'simulator', 'kubernetes', 'webhook'] as const;
export type ActuatorKind = (typeof ACTUATOR_KINDS)[number];

export interface ScaleRequest {
  pool: string;
  replicas: number;
  /** The decision behind it (the webhook forwards it; others log it). */
  decisionId?: string;
  reason?: string;
}

/**
 * Where decisions become replicas. Implementations talk to one platform; errors are ActuationErrors whose message
 * says what the platform answered.
 */
export interface Actuator {
  readonly kind: ActuatorKind;
  /** Replicas each pool holds now as the platform knows them; pools it cannot answer for are left out. */
  currentReplicas(pools: readonly string[]): Promise<Map<string, number>>;
  scale(request: ScaleRequest): Promise<void>;
  /** Replaces named agents where the platform can; without it self-healing scales the pool up by as many. */
  replace?(pool: string, agentIds: readonly string[]): Promise<void>;
}

export class ActuationError extends Error {
  constructor(
    message: string,
    /** The platform's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ActuationError';
  }
}
