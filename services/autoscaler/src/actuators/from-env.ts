import type { AutoscalerEnv } from '../env';
import type { Actuator } from './actuator';
import { DryRunActuator } from './dry-run-actuator';
import { KubernetesActuator, parseTargets } from './kubernetes-actuator';
import { inClusterCredentials, kubeconfigCredentials } from './kubernetes-credentials';
import { SimulatorActuator } from './simulator-actuator';
import { WebhookActuator } from './webhook-actuator';

/** The actuator AUTOSCALER_ACTUATOR names, configured from the environment; throws naming the missing variable. */
export async function actuatorFromEnv(
  env: AutoscalerEnv,
  processEnv: NodeJS.ProcessEnv = process.env,
): Promise<Actuator> {
  switch (env.AUTOSCALER_ACTUATOR) {
    case 'dry-run':
      return new DryRunActuator();
    case 'simulator':
      if (!env.SIMULATOR_CONTROL_URL)
        throw new Error('SIMULATOR_CONTROL_URL: is required when AUTOSCALER_ACTUATOR=simulator');
      return new SimulatorActuator({
        url: env.SIMULATOR_CONTROL_URL.replace(/\/+$/, ''),
        ...(env.SIMULATOR_API_KEY ? { apiKey: env.SIMULATOR_API_KEY } : {}),
      });
    case 'webhook':
      if (!env.AUTOSCALER_WEBHOOK_URL)
        throw new Error('AUTOSCALER_WEBHOOK_URL: is required when AUTOSCALER_ACTUATOR=webhook');
      return new WebhookActuator({
        url: env.AUTOSCALER_WEBHOOK_URL,
        ...(env.AUTOSCALER_WEBHOOK_TOKEN ? { token: env.AUTOSCALER_WEBHOOK_TOKEN } : {}),
      });
    case 'kubernetes': {
      const credentials = env.KUBECONFIG
        ? await kubeconfigCredentials(env.KUBECONFIG)
        : await inClusterCredentials(processEnv);
      const namespace = env.KUBERNETES_NAMESPACE ?? credentials.namespace;
      if (!namespace) throw new Error('KUBERNETES_NAMESPACE: is required (the credentials name no namespace)');
      let targets;
      try {
        targets = parseTargets(env.KUBERNETES_TARGETS);
      } catch (error) {
        throw new Error(`KUBERNETES_TARGETS: ${(error as Error).message}`);
      }
      return new KubernetesActuator({ credentials, namespace, targets });
    }
  }
}
