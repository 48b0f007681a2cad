import { startRedisServer } from '../test-support/redis-server';
it('no redis', async () => {
  process.env.PATH = '/nonexistent';
  await expect(startRedisServer()).rejects.toThrow(/redis-server is not installed/);
});
