import { startControlServer } from '@swarmscope/simulator';
import type { RunningServer } from '@swarmscope/core';
import { SimulatorActuator } from './simulator-actuator';
import { WebhookActuator } from './webhook-actuator';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

describe('SimulatorActuator against the simulator control endpoint', () => {
  let server: RunningServer;
  const pools = new Map([
    ['support', 4],
    ['coding', 2],
  ]);
  beforeAll(async () => {
    server = await startControlServer(
      {
        pools: () => [...pools].map(([pool, agents]) => ({ pool, agents })),
        scale: (pool, replicas) => {
          const previous = pools.get(pool)!;
          pools.set(pool, replicas);
          return { kind: 'scale', pool, previous, replicas, atSeconds: 0, at: 0 };
        },
      },
      { port: 0, apiKeys: ['k'] },
    );
  });
  afterAll(() => server.close());

  it('reads the pools and scales one with the bearer key', async () => {
    const actuator = new SimulatorActuator({ url: server.url, apiKey: 'k' });
    expect(await actuator.currentReplicas(['support'])).toEqual(new Map([['support', 4]]));
    await actuator.scale({ pool: 'support', replicas: 9 });
    expect(pools.get('support')).toBe(9);
  });

  it('fails with the endpoint message (wrong key, unknown pool)', async () => {
    await expect(
      new SimulatorActuator({ url: server.url, apiKey: 'wrong' }).scale({ pool: 'support', replicas: 1 }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      new SimulatorActuator({ url: server.url, apiKey: 'k' }).scale({ pool: 'ghost', replicas: 1 }),
    ).rejects.toThrow(/404 pool: no pool named "ghost"/);
  });
});

describe('WebhookActuator', () => {
  it('POSTs scale and replace as JSON with the bearer token; a non-2xx is a failure', async () => {
    const received: Array<{ auth?: string; body: unknown }> = [];
    let status = 204;
    const hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
          body: JSON.parse(Buffer.concat(chunks).toString()),
        });
        res.writeHead(status).end();
      });
    }).listen(0, '127.0.0.1');
    await once(hook, 'listening');
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/scale`;
    const actuator = new WebhookActuator({ url, token: 't' });
    await actuator.scale({ pool: 'support', replicas: 6, decisionId: 'support@1' });
    await actuator.replace('support', ['a-1']);
    expect(received).toEqual([
      { auth: 'Bearer t', body: { type: 'scale', pool: 'support', replicas: 6, decisionId: 'support@1' } },
      { auth: 'Bearer t', body: { type: 'replace', pool: 'support', agentIds: ['a-1'] } },
    ]);
    status = 500;
    await expect(actuator.scale({ pool: 'support', replicas: 7 })).rejects.toMatchObject({ status: 500 });
    expect(await actuator.currentReplicas()).toEqual(new Map());
    hook.close();
  });
});
