/** Where an agent stands, from its health score and liveness (see health-monitor's health-score module). */
export const AGENT_STATUSES = ['healthy', 'degraded', 'unhealthy', 'unresponsive'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** One agent of the fleet as the registry keeps it and `POST /agents/:id/register` answers. Times are epoch ms. */
export interface AgentRecord {
  id: string;
  model: string;
  type: string;
  pool: string;
  labels: Record<string, string>;
  registeredAt: number;
  lastSeen: number;
  status: AgentStatus;
  /** 0 (dead) .. 1 (perfect); see health-monitor's health-score module for how it is built. */
  healthScore: number;
}
