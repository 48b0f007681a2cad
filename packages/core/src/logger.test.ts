import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createLogger } from './logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  beforeAll(() => context.setGlobalContextManager(manager));
  afterAll(() => context.disable());

  it('writes JSON lines with the service, a level label and an ISO time', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'svc', destination }).info({ n: 1 }, 'hello');
    expect(lines[0]).toMatchObject({
      service: 'svc',
      level: 'info',
      msg: 'hello',
      n: 1,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(lines[0]).not.toHaveProperty('trace_id');
  });

  it('carries the active trace and span ids', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'svc', destination });
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    context.with(trace.setSpan(context.active(), span), () => logger.warn('inside'));
    expect(lines[0]).toMatchObject({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      level: 'warn',
    });
  });

  it('drops lines below its level', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'svc', level: 'warn', destination }).info('quiet');
    expect(lines).toEqual([]);
  });
});
