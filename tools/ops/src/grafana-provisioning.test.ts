import { existsSync } from 'node:fs';
import { readYaml, repoPath } from './repo';

interface DashboardProviders {
  apiVersion: number;
  providers: Array<{ name: string; type: string; options: { path: string } }>;
}
interface Datasources {
  apiVersion: number;
  datasources: Array<{ name: string; uid: string; type: string; access: string; url: string; isDefault?: boolean }>;
}

describe('grafana provisioning', () => {
  it('provisions Prometheus (default) and Jaeger by the uids the dashboards use', () => {
    const { apiVersion, datasources } = readYaml<Datasources>('grafana/provisioning/datasources/swarmscope.yaml');
    expect(apiVersion).toBe(1);
    expect(datasources.find((d) => d.uid === 'prometheus')).toMatchObject({
      type: 'prometheus',
      access: 'proxy',
      url: 'http://prometheus:9090',
      isDefault: true,
    });
    expect(datasources.find((d) => d.uid === 'jaeger')).toMatchObject({
      type: 'jaeger',
      access: 'proxy',
      url: 'http://jaeger:16686',
    });
    expect(datasources.filter((d) => d.isDefault)).toHaveLength(1);
  });

  it('loads the dashboards from the folder docker-compose mounts grafana/dashboards at', () => {
    const { providers } = readYaml<DashboardProviders>('grafana/provisioning/dashboards/swarmscope.yaml');
    expect(providers).toEqual([
      expect.objectContaining({
        type: 'file',
        options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }),
      }),
    ]);
    expect(existsSync(repoPath('grafana/dashboards'))).toBe(true);
  });
});
