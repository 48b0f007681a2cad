import { createServer } from 'node:http';
import { ExportTraceServiceRequest, ExportTraceServiceResponse } from '@swarmscope/health-monitor';
import { freePort } from '@swarmscope/testkit';

export type AttributeValue = string | number | boolean | AttributeValue[];

/** One span as received, whatever the encoding: ids in lowercase hex, attributes flattened. */
export interface ReceivedSpan {
  encoding: 'protobuf' | 'json';
  serviceName: string;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, AttributeValue>;
}

/** The OTLP/JSON shape (camelCase, ids as hex, 64-bit ints as strings); protobufjs' toObject gives the same with ids in base64. */
interface WireAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: WireAnyValue[] };
}
interface WireKeyValue {
  key: string;
  value?: WireAnyValue;
}
interface WireRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: WireKeyValue[] };
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{
        traceId?: string;
        spanId?: string;
        parentSpanId?: string;
        name?: string;
        kind?: number;
        attributes?: WireKeyValue[];
      }>;
    }>;
  }>;
}

function value(v: WireAnyValue | undefined): AttributeValue {
  if (!v) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return (v.arrayValue?.values ?? []).map(value);
}

function flatten(
  request: WireRequest,
  encoding: ReceivedSpan['encoding'],
  id: (raw: string | undefined) => string,
): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const serviceName = String(value(rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value));
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span) => ({
        encoding,
        serviceName,
        scope: ss.scope?.name ?? '',
        traceId: id(span.traceId),
        spanId: id(span.spanId),
        parentSpanId: id(span.parentSpanId),
        name: span.name ?? '',
        kind: span.kind ?? 0,
        attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, value(a.value)])),
      })),
    );
  });
}

/**
 * An OTLP/HTTP trace receiver on loopback: POST /v1/traces in binary protobuf (decoded with the official OTLP messages
 * health-monitor's receiver uses) or in
 * JSON, answered as the protocol says (an ExportTraceServiceResponse in the request's encoding). Anything else is a 415.
 */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const requests: Array<{ contentType: string; spans: number }> = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (request.method !== 'POST' || request.url !== '/v1/traces') return void response.writeHead(404).end();
    let received: ReceivedSpan[];
    if (contentType === 'application/x-protobuf') {
      // toObject answers an untyped record; with these options it has OTLP/JSON's shape, which WireRequest declares.
      const decoded = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), {
        longs: String,
        bytes: String,
        enums: Number,
        defaults: false,
      }) as unknown as WireRequest;
      received = flatten(decoded, 'protobuf', (raw) => Buffer.from(raw ?? '', 'base64').toString('hex'));
      response
        .writeHead(200, { 'content-type': 'application/x-protobuf' })
        .end(Buffer.from(ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create({})).finish()));
    } else if (contentType === 'application/json') {
      received = flatten(JSON.parse(body.toString('utf8')) as WireRequest, 'json', (raw) => (raw ?? '').toLowerCase());
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else {
      return void response.writeHead(415).end();
    }
    spans.push(...received);
    requests.push({ contentType, spans: received.length });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
