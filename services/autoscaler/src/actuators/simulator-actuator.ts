import { ActuationError, type Actuator, type ScaleRequest } from './actuator';
import { errorMessage, requestJson } from './http-json';

/** The simulator's control endpoint (tools/simulator control-server.ts): `GET /pools`, `POST /pools/:pool/scale`. */
export class SimulatorActuator implements Actuator {
  readonly kind = 'simulator' as const;

  constructor(private readonly options: { url: string; apiKey?: string; timeoutMs?: number }) {}

  async currentReplicas(pools: readonly string[]): Promise<Map<string, number>> {
    const response = await requestJson({ method: 'GET', url: `${this.options.url}/pools`, ...this.timeout() });
    if (response.status !== 200)
      throw new ActuationError(
        `simulator GET /pools: ${response.status} ${errorMessage(response.body)}`,
        response.status,
      );
    const listed = (response.body as { pools?: Array<{ pool: string; agents: number }> }).pools ?? [];
    const wanted = new Set(pools);
    return new Map(listed.filter((p) => wanted.has(p.pool)).map((p) => [p.pool, p.agents]));
  }

  async scale(request: ScaleRequest): Promise<void> {
    const response = await requestJson({
      method: 'POST',
      url: `${this.options.url}/pools/${encodeURIComponent(request.pool)}/scale`,
      headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
      body: { replicas: request.replicas },
      ...this.timeout(),
    });
    if (response.status !== 200)
      throw new ActuationError(
        `simulator scale ${request.pool}: ${response.status} ${errorMessage(response.body)}`,
        response.status,
      );
  }

  private timeout(): { timeoutMs?: number } {
    return this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {};
  }
}
