import { MemoryBus } from '../bus/memory-bus';
import { topics } from '../bus/topics';
import { createServiceMetrics, registerBusLag } from './metrics';

const report = (i: number) => ({ agentId: `a-${i}`, timestamp: i, model: 'm', pool: 'p', type: 't', metrics: { requests: 1 }, quality: {} });

describe('registerBusLag', () => {
  it('exports the entries a group has not read, per topic, at scrape time', async () => {
    const bus = new MemoryBus({ shards: 1 });
    const { registry } = createServiceMetrics('test');
    registerBusLag(registry, bus, 'readers', [topics.samples, topics.interactions]);
    // The group exists (it subscribed once) and is gone now: what is published after stays unread.
    await bus.subscribe(topics.samples, { group: 'readers', consumer: 'c1', batchSize: 10 }, async () => {}).close();
    for (let i = 0; i < 3; i++) await bus.publish(topics.samples, 0, [report(i), report(i + 10)]); // one entry a publish
    const lag = async () => (await registry.getSingleMetric('swarmscope_bus_consumer_lag')!.get()).values;
    const values = await lag();
    expect(values.find((v) => v.labels.topic === 'samples')).toMatchObject({ labels: { group: 'readers' } });
    expect(values.find((v) => v.labels.topic === 'samples')!.value).toBe(3);
    expect(values.find((v) => v.labels.topic === 'interactions')!.value).toBe(0);
    // A closed bus cannot answer: the scrape still succeeds, without the lag series.
    await bus.close();
    expect(await lag()).toEqual([]);
    expect(await registry.metrics()).toContain('process_cpu');
  });
});
