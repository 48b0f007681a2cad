/** How far from the receiver's clock an agent's timestamp may be before it is refused as absurd. */
export interface TimestampPolicy {
  maxAgeMs: number;
  maxFutureMs: number;
}

/** A reason to refuse the timestamp, or undefined when it is acceptable. */
export function checkTimestamp(timestamp: number, now: number, policy: TimestampPolicy): string | undefined {
  if (timestamp < now - policy.maxAgeMs)
    return `older than ${Math.round(policy.maxAgeMs / 1000)} s (the window retention)`;
  if (timestamp > now + policy.maxFutureMs)
    return `more than ${Math.round(policy.maxFutureMs / 1000)} s in the future (MAX_FUTURE_SKEW_SECONDS)`;
  return undefined;
}
