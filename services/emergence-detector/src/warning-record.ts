/** How the early warnings raised so far turned out: each is pending until its pool transitions or its time runs out. */
export interface WarningRecord {
  raised: number;
  /** Followed by a phase transition in the same pool within the follow-up span. */
  followed: number;
  /** The span passed without one. */
  notFollowed: number;
  pending: number;
}

/**
 * The early warnings' track record (issue 19): a warning is an advisory, and how often one was followed by the
 * transition it announced is how much it is worth. Pure: ticks in, counts out.
 */
export class WarningTrackRecord {
  private readonly pending: Array<{ pool: string; tick: number }> = [];
  private followed = 0;
  private notFollowed = 0;
  private raised = 0;

  /** @param followTicks ticks after a warning within which a transition in its pool counts as following it. */
  constructor(private readonly followTicks: number) {}

  warned(pool: string, tick: number): void {
    this.raised++;
    this.pending.push({ pool, tick });
  }

  transitioned(pool: string): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      if (this.pending[i]!.pool !== pool) continue;
      this.pending.splice(i, 1);
      this.followed++;
    }
  }

  /** Closes the warnings whose follow-up span ended by `tick`. */
  expire(tick: number): void {
    while (this.pending.length > 0 && tick - this.pending[0]!.tick >= this.followTicks) {
      this.pending.shift();
      this.notFollowed++;
    }
  }

  record(): WarningRecord {
    return {
      raised: this.raised,
      followed: this.followed,
      notFollowed: this.notFollowed,
      pending: this.pending.length,
    };
  }
}
