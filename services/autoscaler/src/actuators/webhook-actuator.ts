import { ActuationError, type Actuator, type ScaleRequest } from './actuator';
import { errorMessage, requestJson } from './http-json';

/**
 * A generic webhook: POSTs `{"type":"scale","pool","replicas","decisionId","reason"}` or
 * `{"type":"replace","pool","agentIds"}` as JSON (bearer token when set); any 2xx is success. It cannot tell the
 * current replicas, so the service falls back to the agents reporting.
 */
export class WebhookActuator implements Actuator {
  readonly kind = 'webhook' as const;

  constructor(private readonly options: { url: string; token?: string; timeoutMs?: number }) {}

  async currentReplicas(): Promise<Map<string, number>> {
    return new Map();
  }

  async scale(request: ScaleRequest): Promise<void> {
    await this.post({ type: 'scale', ...request });
  }

  async replace(pool: string, agentIds: readonly string[]): Promise<void> {
    await this.post({ type: 'replace', pool, agentIds });
  }

  private async post(body: Record<string, unknown>): Promise<void> {
    const response = await requestJson({
      method: 'POST',
      url: this.options.url,
      headers: this.options.token ? { authorization: `Bearer ${this.options.token}` } : {},
      body,
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
    });
    if (response.status < 200 || response.status >= 300)
      throw new ActuationError(
        `webhook ${String(body.type)} ${String(body.pool)}: ${response.status} ${errorMessage(response.body)}`,
        response.status,
      );
  }
}
