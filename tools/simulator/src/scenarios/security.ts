import { Random, mix } from '../random';
import { EffectIndex, round, truthRecord, type Scenario, type ScenarioContext, type TruthRecord } from './types';

const FLOOD_FACTOR = 8;
const PROBES_PER_AGENT = 3;
const PROBE_SPACING_SECONDS = 0.5;
const EXFILTRATION_OUTPUT_FACTOR = 25;

/**
 * Risk routing: a request flood on one pool and a port-scan-like sweep over many agents (high risk), output
 * exfiltration by a few agents (medium), everything else normal (low). Each truth line carries its risk class.
 */
export function securityScenario(context: ScenarioContext): Scenario {
  const { population, durationSeconds: d } = context;
  const r = new Random(mix(context.seed, 0x5ec0417));
  const agentIndex = new EffectIndex();
  const poolIndex = new EffectIndex();
  const truth: TruthRecord[] = [];
  const agents = population.agents();

  // Volumetric request flood (DDoS) on one pool: rate × 8, mostly tiny attacker prompts, rate-limit errors and
  // saturation latency (Mirkovic & Reiher 2004, a taxonomy of DDoS attacks: direct flooding).
  const pools = population.pools().filter((p) => p.agents > 0);
  if (pools.length > 0) {
    const pool = r.pick(pools).pool;
    const from = 0.3 * d;
    const to = 0.45 * d;
    const attackShare = 1 - 1 / FLOOD_FACTOR;
    poolIndex.add(pool, {
      fromSeconds: from,
      toSeconds: to,
      apply: (_t, _dt, mods) => {
        mods.rateFactor *= FLOOD_FACTOR;
        mods.attackShare = attackShare;
        mods.attackErrorRate = 0.3;
        mods.latencyFactor *= 2;
        mods.cpuShift += 35;
      },
    });
    truth.push(
      truthRecord(context, {
        scenario: 'security',
        id: 'security-flood',
        type: 'request_flood',
        method: 'volumetric request flood on a pool (direct flooding DDoS, Mirkovic & Reiher 2004)',
        agents: population.pool(pool).map((a) => a.id),
        pool,
        fromSeconds: from,
        toSeconds: to,
        risk: 'high',
        params: {
          rateFactor: FLOOD_FACTOR,
          attackShare: round(attackShare, 4),
          attackErrorRate: 0.3,
          latencyFactor: 2,
        },
      }),
    );
  }

  // Horizontal scan: one outside source probes many agents in sequence, a few failing tiny requests each
  // (sequential horizontal port scan, as detected by TRW, Jung et al. 2004).
  if (agents.length > 0) {
    const prober = `scanner-${r.hex(8)}`;
    const targets = r
      .shuffle(agents)
      .slice(0, Math.min(agents.length, Math.max(20, Math.min(2000, Math.round(agents.length * 0.4)))));
    const from = 0.55 * d;
    const to = 0.65 * d;
    const step = (to - from - PROBES_PER_AGENT * PROBE_SPACING_SECONDS) / targets.length;
    targets.forEach((target, k) => {
      const times = Array.from({ length: PROBES_PER_AGENT }, (_, j) => from + k * step + j * PROBE_SPACING_SECONDS);
      agentIndex.add(target.id, {
        fromSeconds: times[0]!,
        toSeconds: times[times.length - 1]! + 1e-6,
        apply: (t, dt, mods) => {
          for (const time of times) if (time >= t && time < t + dt) mods.probes++;
          mods.probeFrom = prober;
        },
      });
    });
    truth.push(
      truthRecord(context, {
        scenario: 'security',
        id: 'security-scan',
        type: 'port_scan',
        method:
          'sequential horizontal scan: one source, many targets, failing tiny requests (Jung et al. 2004, TRW scan detection)',
        agents: targets.map((a) => a.id),
        fromSeconds: from,
        toSeconds: to,
        risk: 'high',
        params: {
          source: prober,
          targets: targets.length,
          probesPerAgent: PROBES_PER_AGENT,
          probeSpacingSeconds: PROBE_SPACING_SECONDS,
        },
      }),
    );
  }

  // Exfiltration: normal request rate, unusually large answers (exfiltration over the usual channel, MITRE ATT&CK
  // T1041, found by outbound-volume outliers).
  const exfiltrators = r.shuffle(agents).slice(0, Math.min(agents.length, agents.length >= 50 ? 2 : 1));
  exfiltrators.forEach((agent, i) => {
    const from = (0.7 + 0.02 * i) * d;
    const to = (0.85 + 0.02 * i) * d;
    agentIndex.add(agent.id, {
      fromSeconds: from,
      toSeconds: to,
      apply: (_t, _dt, mods) => {
        mods.outputTokensFactor *= EXFILTRATION_OUTPUT_FACTOR;
        mods.latencyFactor *= 2.5;
      },
    });
    truth.push(
      truthRecord(context, {
        scenario: 'security',
        id: `security-exfiltration-${i + 1}`,
        type: 'exfiltration',
        method:
          'unusual outbound volume at a normal request rate (exfiltration over the C2 channel, MITRE ATT&CK T1041)',
        agents: [agent.id],
        pool: agent.pool,
        fromSeconds: from,
        toSeconds: to,
        risk: 'medium',
        params: { outputTokensFactor: EXFILTRATION_OUTPUT_FACTOR, latencyFactor: 2.5 },
      }),
    );
  });

  truth.push(
    truthRecord(context, {
      scenario: 'security',
      id: 'security-normal',
      type: 'normal',
      method: 'no injection',
      agents: [],
      fromSeconds: 0,
      toSeconds: d,
      risk: 'low',
      params: { scope: 'every agent and time not named by another line' },
    }),
  );

  return {
    name: 'security',
    truth,
    modify(agent, t, dt, mods) {
      poolIndex.apply(agent.pool, agent, t, dt, mods);
      agentIndex.apply(agent.id, agent, t, dt, mods);
    },
  };
}
