import type { ShardLeases } from '../leases/shard-leases';
import { sleep } from './bus.contract';

/** The shared behaviour of every ShardLeases implementation; `make` gives fresh leases (own keys) per test. */
export function describeLeasesContract(name: string, make: () => Promise<ShardLeases>): void {
  describe(`ShardLeases contract: ${name}`, () => {
    it('gives a free shard to one owner, which renews it; another cannot take or renew it', async () => {
      const leases = await make();
      expect(await leases.acquire(3, 'a', 5_000)).toBe(true);
      expect(await leases.acquire(3, 'a', 5_000)).toBe(true); // holding it already
      expect(await leases.acquire(3, 'b', 5_000)).toBe(false);
      expect(await leases.renew(3, 'a', 5_000)).toBe(true);
      expect(await leases.renew(3, 'b', 5_000)).toBe(false);
      expect(await leases.holders([2, 3])).toEqual([undefined, 'a']);
    });

    it('frees a shard whose owner stopped renewing, for another to take', async () => {
      const leases = await make();
      expect(await leases.acquire(0, 'a', 150)).toBe(true);
      await sleep(400);
      expect(await leases.holders([0])).toEqual([undefined]);
      expect(await leases.renew(0, 'a', 150)).toBe(false);
      expect(await leases.acquire(0, 'b', 5_000)).toBe(true);
    });

    it('releases only its own lease, and records who asks for a shard', async () => {
      const leases = await make();
      await leases.acquire(1, 'a', 5_000);
      await leases.release(1, 'b');
      expect(await leases.holders([1])).toEqual(['a']);
      await leases.release(1, 'a');
      expect(await leases.holders([1])).toEqual([undefined]);
      await leases.want(1, 'b', 5_000);
      expect(await leases.wanted([0, 1])).toEqual([undefined, 'b']);
    });
  });
}
