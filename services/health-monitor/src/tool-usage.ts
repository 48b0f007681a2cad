/** The `tool` label of the calls whose name came past the cap (OpenTelemetry's spelling for "everything else"). */
export const OTHER_TOOL = '_OTHER';

/** Running totals of one (pool, tool). */
export interface ToolTotals {
  calls: number;
  errors: number;
  durationSeconds: number;
}

/** What a report says of one tool. */
export interface ToolCalls {
  calls: number;
  errors?: number | undefined;
  durationSeconds?: number | undefined;
}

/**
 * Tool (function) usage of the fleet by pool and tool name, the source of `swarmscope_agent_tool_*_total`, and by
 * agent (its page in the console). Cardinality is bounded: the first `maxNames` distinct names are kept as they are,
 * later ones are added up under `_OTHER` (and counted in `overflowed`), so a client that invents names cannot grow
 * /metrics or memory without bound (at most `maxNames + 1` entries per agent). Pure bookkeeping, per process; ingest
 * pays two map lookups and six additions per tool of a report.
 */
export class ToolUsageTable {
  private readonly byPool = new Map<string, Map<string, ToolTotals>>();
  /**
   * Per agent, one flat row: [tool index, calls, errors, seconds] per tool it used: ≈ 250 bytes an agent with three
   * tools, its key included (100,000 agents measured); a Map of objects per agent took 445, on a budget of 2 KiB per
   * tracked agent.
   */
  private readonly byAgent = new Map<string, Float64Array>();
  /** Tool labels (names kept, and `_OTHER`) by index, and their indexes. */
  private readonly labels: string[] = [];
  private readonly indexOf = new Map<string, number>();
  private readonly names = new Set<string>();
  /** Tool entries of reports whose name was past the cap, added up under `_OTHER`. */
  overflowed = 0;

  constructor(readonly maxNames: number) {}

  /** Adds one report's tools (name → usage) to its pool's and its agent's totals. */
  add(pool: string, agentId: string, tools: Readonly<Record<string, ToolCalls>>): void {
    const ofPool = tablesOf(this.byPool, pool);
    for (const name in tools) {
      const usage = tools[name]!;
      const tool = this.labelOf(name);
      addUp(ofPool, tool, usage);
      this.addForAgent(agentId, tool, usage);
    }
  }

  /** One agent's tools with their totals since start, most called first, then by name (none if it reported no tool). */
  ofAgent(agentId: string): Array<{ tool: string; totals: Readonly<ToolTotals> }> {
    const row = this.byAgent.get(agentId) ?? new Float64Array(0);
    const list: Array<{ tool: string; totals: Readonly<ToolTotals> }> = [];
    for (let k = 0; k < row.length; k += 4)
      list.push({
        tool: this.labels[row[k]!]!,
        totals: { calls: row[k + 1]!, errors: row[k + 2]!, durationSeconds: row[k + 3]! },
      });
    return list.sort((a, b) => b.totals.calls - a.totals.calls || (a.tool < b.tool ? -1 : 1));
  }

  /** Distinct tool names with series of their own (at most `maxNames`). */
  get distinctNames(): number {
    return this.names.size;
  }

  /** Every (pool, tool) seen, with its totals since start. */
  *entries(): IterableIterator<{ pool: string; tool: string; totals: Readonly<ToolTotals> }> {
    for (const [pool, byTool] of this.byPool) for (const [tool, totals] of byTool) yield { pool, tool, totals };
  }

  private addForAgent(agentId: string, tool: string, usage: ToolCalls): void {
    let index = this.indexOf.get(tool);
    if (index === undefined) {
      index = this.labels.push(tool) - 1;
      this.indexOf.set(tool, index);
    }
    let row = this.byAgent.get(agentId);
    let at = -1;
    if (row) for (let k = 0; k < row.length && at < 0; k += 4) if (row[k] === index) at = k;
    if (row === undefined || at < 0) {
      // A tool new to this agent: the row grows by one entry (rare: agents use few tools).
      const grown = new Float64Array((row?.length ?? 0) + 4);
      if (row) grown.set(row);
      at = grown.length - 4;
      grown[at] = index;
      row = grown;
      this.byAgent.set(agentId, row);
    }
    row[at + 1] += usage.calls;
    row[at + 2] += usage.errors ?? 0;
    row[at + 3] += usage.durationSeconds ?? 0;
  }

  private labelOf(name: string): string {
    if (this.names.has(name)) return name;
    if (this.names.size < this.maxNames && name !== OTHER_TOOL) {
      this.names.add(name);
      return name;
    }
    if (name !== OTHER_TOOL) this.overflowed++;
    return OTHER_TOOL;
  }
}

function tablesOf(tables: Map<string, Map<string, ToolTotals>>, key: string): Map<string, ToolTotals> {
  let byTool = tables.get(key);
  if (byTool === undefined) {
    byTool = new Map();
    tables.set(key, byTool);
  }
  return byTool;
}

function addUp(byTool: Map<string, ToolTotals>, tool: string, usage: ToolCalls): void {
  let totals = byTool.get(tool);
  if (totals === undefined) {
    totals = { calls: 0, errors: 0, durationSeconds: 0 };
    byTool.set(tool, totals);
  }
  totals.calls += usage.calls;
  totals.errors += usage.errors ?? 0;
  totals.durationSeconds += usage.durationSeconds ?? 0;
}
