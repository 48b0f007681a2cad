import type { SeededRandom } from '../random';
import { median } from 'simple-statistics';
import {
  analyseSpread,
  followsEdges,
  placementTest,
  precedenceTest,
  spreadShare,
  type SpreadComponent,
} from '../spread';
import type { EmergenceType, Finding, PathStep } from '../types';
import { pct, round } from './format';

/** Chance of flags clustering on edges this much when placed at random (one test per tick and kind). */
const CHANCE_ALPHA = 1e-3;
/** Chance of a spread's time order along the edges under shuffled times (one test per candidate spread). */
const PRECEDENCE_ALPHA = 0.05;
/** Time shuffles per precedence test: enough that a p near its bar is not a coin toss (its standard error ≈ 0.007 at 0.05). */
const PRECEDENCE_SHUFFLES = 999;
/**
 * Fewer members than this cannot pass the precedence test however ordered (below 5, no order of n is rarer among
 * the n! shuffles than 1 in 20): smaller spreads rest on their edge clustering and their followers alone.
 */
const PRECEDENCE_MIN_MEMBERS = 5;

/** What both spreads are read against: the interaction graph of the tick, and the events open. */
export interface SpreadContext {
  neighbours: ReadonlyMap<string, readonly string[]>;
  /** Agents tracked and undirected edges: where random flags would fall. */
  nodes: number;
  edges: number;
  tick: number;
  tickMs: number;
  /** The precedence tests' own stream. */
  random: SeededRandom;
  isOpen: (type: EmergenceType, scope?: string) => boolean;
  /** Every tracked agent by pool, and an agent's pool: where the learning test places gains at random. */
  pools: ReadonlyMap<string, readonly string[]>;
  poolOf: (agent: string) => string | undefined;
}

/**
 * Cascades: groups of agents failing on their own (`failing`: agent → tick it started) linked by edges, failing
 * one after another along them.
 */
export function cascadeFindings(
  failing: ReadonlyMap<string, number>,
  context: SpreadContext,
  threshold: number,
): Finding[] {
  if (failing.size < 2) return [];
  const { neighbours, tick } = context;
  const spread = analyseSpread(failing, neighbours, context.nodes, context.edges);
  if (spread.chance > CHANCE_ALPHA) return [];
  const findings: Finding[] = [];
  for (const component of spread.components) {
    const size = component.steps.length;
    // Hops can be faster than a tick: members failing with or after a failing neighbour count, so long as
    // at least one failed strictly after one (a common cause failing all at once is not a cascade).
    const magnitude = component.linked / (size - 1);
    if (component.followers < 1 || magnitude < threshold) continue;
    // A cascade follows the edges in time order: beyond a time-shuffled null, where that test can speak.
    const order = precedenceTest([component], neighbours, PRECEDENCE_SHUFFLES, context.random);
    const origin = component.steps[0]!;
    // Once shown to follow the edges, an open cascade keeps its event as it grows (the test's p wanders near its
    // bar from tick to tick, and a cascade split into two events loses half its agents to each).
    if (
      size >= PRECEDENCE_MIN_MEMBERS &&
      !followsEdges(order, PRECEDENCE_ALPHA) &&
      !context.isOpen('cascade_failure', `cascade:${origin.agent}`)
    )
      continue;
    findings.push({
      type: 'cascade_failure',
      scope: `cascade:${origin.agent}`,
      magnitude,
      confidence: 1 - spread.chance,
      agents: component.steps.map((s) => s.agent),
      agentsMode: 'union',
      evidence: {
        agents: size,
        followers: component.followers,
        followersIfShuffled: round(order.nullMean, 2),
        precedenceP: round(order.p),
        precedenceFloor: round(order.floor),
        depth: Math.max(...component.steps.map((s) => s.depth)),
        edgesBetweenFailing: spread.observedEdges,
        edgesExpectedByChance: round(spread.expectedEdges, 6),
        spanTicks: tick - origin.tick,
      },
      explanation: `${size} agents failed one after another along the interaction graph from ${origin.agent}: ${component.followers} failed after a neighbour they work with had failed, with ${spread.observedEdges} edges between failing agents where chance would put ${spread.expectedEdges.toFixed(3)}.`,
      path: path(component, context.tickMs),
    });
  }
  return findings;
}

/** Chance of gains following neighbours' gains as often when placed at random in their pools (one test a tick). */
const PLACEMENT_ALPHA = 0.01;
/** Random placements per learning test: p resolves to 1e-3, ten times below its bar. */
const PLACEMENTS = 999;

/**
 * Collective learning: quality gains (`improved`: agent → tick its gain began) that follow graph neighbours' gains
 * beyond chance. Three gates: the gains cluster on edges beyond random placement (`analyseSpread`'s chance), at
 * least two agents improved after a neighbour had, and the followers are more than the same gains placed at random
 * in their pools would give (`placementTest`: a pool-wide common cause, such as a model upgrade, scores as its
 * placements do). The group is every connected set of improvers that took part; the magnitude is the share of
 * linked improvers that took part (`spreadShare`). Reports the sources (improvers no improved neighbour preceded),
 * the path and the median lag from a source's gain to its follower's.
 */
export function learningFinding(
  improved: ReadonlyMap<string, number>,
  context: SpreadContext,
  threshold: number,
): { finding: Finding | undefined; magnitude: number } {
  if (improved.size < 3) return { finding: undefined, magnitude: 0 };
  const spread = analyseSpread(improved, context.neighbours, context.nodes, context.edges);
  const components = spread.components.filter((c) => c.participants > 0);
  let participants = 0;
  let followers = 0;
  let linked = 0;
  const steps: SpreadComponent['steps'] = [];
  for (const component of components) {
    participants += component.participants;
    followers += component.followers;
    linked += component.linked;
    steps.push(...component.steps);
  }
  const magnitude = spreadShare(spread.components);
  // Once raised, the event holds while the spread does: its share wandering just under the threshold as the group
  // grows (new members arrive unlinked, then link up) must not split one spread into two events.
  const open = context.isOpen('collective_learning');
  if (followers < 2 || (magnitude < threshold && !open) || spread.chance > CHANCE_ALPHA)
    return { finding: undefined, magnitude };
  const placement = placementTest(
    improved,
    context.poolOf,
    context.pools,
    context.neighbours,
    PLACEMENTS,
    context.random,
  );
  // Once shown, an open event keeps its finding as the spread grows (p wanders near its bar from tick to tick).
  if (placement.p > PLACEMENT_ALPHA && !open) return { finding: undefined, magnitude };
  const at = new Map(steps.map((s) => [s.agent, s.tick]));
  const lags = steps.filter((s) => s.via !== null).map((s) => s.tick - at.get(s.via!)!);
  const lagSeconds = (median(lags) * context.tickMs) / 1000;
  const sources = steps.filter((s) => s.via === null).map((s) => s.agent);
  const agents = steps.map((s) => s.agent);
  return {
    magnitude,
    finding: {
      type: 'collective_learning',
      scope: 'learning',
      magnitude,
      confidence: 1 - Math.max(spread.chance, placement.p),
      agents,
      agentsMode: 'union',
      evidence: {
        improving: improved.size,
        linkedImproving: steps.length,
        participants,
        followers,
        followersIfPlacedAtRandom: round(placement.nullMean, 2),
        placementP: round(placement.p),
        sources: sources.length,
        spreadLagSeconds: round(lagSeconds, 1),
        edgesBetweenImproving: spread.observedEdges,
        edgesExpectedByChance: round(spread.expectedEdges, 6),
        spanTicks: context.tick - Math.min(...steps.map((s) => s.tick)),
      },
      explanation: `Quality gains are travelling along the interaction graph from ${listed(sources)}: ${followers} agents improved after a neighbour they work with had (${placement.nullMean.toFixed(1)} if the same gains fell on random agents of the same pools), a median ${Math.round(lagSeconds)} s later; ${participants} of the ${steps.length} linked improving agents (${pct(magnitude)}) took part, with ${spread.observedEdges} edges between them where chance would put ${spread.expectedEdges.toFixed(3)}.`,
      path: path({ steps, followers, participants, linked }, context.tickMs),
    },
  };
}

/** Up to three names, then how many more. */
function listed(agents: readonly string[]): string {
  const shown = agents.slice(0, 3).join(', ');
  return agents.length > 3 ? `${shown} and ${agents.length - 3} more` : shown;
}

function path(component: SpreadComponent, tickMs: number): PathStep[] {
  return component.steps.map((s) => ({ agent: s.agent, via: s.via, at: s.tick * tickMs, depth: s.depth }));
}
