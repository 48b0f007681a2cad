import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface PlannedSpan {
  traceId: string;
  spanId: string;
  /** The parent's span id (same trace), possibly a span another process sends. */
  parent?: string;
  name: string;
  /** SpanKind of @opentelemetry/api: 0 internal, 1 server, 2 client. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  startMs: number;
  endMs: number;
  failed?: boolean;
}

export type ClientPlan =
  | {
      mode: 'spans';
      url: string;
      protocol: 'protobuf' | 'json';
      gzip?: boolean;
      resource: Record<string, string>;
      spans: PlannedSpan[];
      batchSize?: number;
      headers?: Record<string, string>;
    }
  | {
      mode: 'metrics';
      url: string;
      delta?: boolean;
      resource: Record<string, string>;
      rounds: Array<Array<{ name: string; unit: string; value: number; attributes: Record<string, string> }>>;
    }
  | {
      mode: 'openai';
      url: string;
      protocol: 'protobuf' | 'json';
      llmUrl: string;
      model: string;
      calls: number;
      resource: Record<string, string>;
    };

/** Runs one process of the fleet (the official SDK and exporters) with `plan`; resolves when it has flushed. */
export function runClientProcess(plan: ClientPlan): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'otlp-client-process.cjs')], {
      cwd: join(__dirname, '..', '..', '..'),
      stdio: ['pipe', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`client process exited ${code}: ${stderr}`)),
    );
    child.stdin.end(JSON.stringify(plan));
  });
}

let counter = 0;
/** A fresh span id (16 hex digits) / trace id (32). */
export const newSpanId = () => (++counter).toString(16).padStart(16, '0');
export const newTraceId = () => (++counter).toString(16).padStart(32, '0');
