// The deployment files (deploy/docker, deploy/compose, deploy/k8s) are validated in every `npm test`:
// Kubernetes objects against the API schemas, compose.yaml against the Compose Specification, the
// Dockerfile against the project's rules (tools/deploy-validate/validate.mjs; docs/deployment.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkK8sPolicy, lintDockerfile, parseYaml, ROOT, validateAll, validateCompose, validateK8sObject } from './validate.mjs';

type Obj = Record<string, unknown> & { kind?: string; metadata?: { name?: string }; spec?: Record<string, unknown> };

const load = (rel: string): Obj[] => parseYaml(readFileSync(join(ROOT, rel), 'utf8'), rel).docs as Obj[];

describe('deployment files', () => {
  it('are valid: Kubernetes schemas and rules, Compose Specification, Dockerfile rules (and hadolint / kubernetes-validate / kubectl kustomize when on PATH)', () => {
    const r = validateAll({ external: true });
    expect(r.errors).toEqual([]);
    expect(r.checked.k8sObjects).toBeGreaterThanOrEqual(20);
    expect(r.checked.composeServices).toBeGreaterThanOrEqual(9);
    expect(r.checked.dockerfiles).toBe(1);
  }, 20_000);
});

describe('the validator fails on broken files', () => {
  it('reports a Deployment that breaks the Kubernetes schema', () => {
    const [deployment] = load('deploy/k8s/catalog.yaml');
    const broken = structuredClone(deployment) as Obj & { spec: { replicas: unknown; template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
    broken.spec.replicas = 'two';
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    const errors = validateK8sObject(broken, 'catalog.yaml#0');
    expect(errors.join('\n')).toMatch(/\/spec\/replicas must be integer/);
    expect(errors.join('\n')).toMatch(/containerPort must be integer/);
    expect(validateK8sObject(deployment, 'catalog.yaml#0')).toEqual([]);
    expect(validateK8sObject({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } })).toEqual([expect.stringMatching(/unknown Kubernetes type/)]);
  });

  it('reports a Deployment that breaks the project rules (root, writable root fs, no probes, dangling references)', () => {
    const all = ['namespace', 'configmap', 'migrate-job', 'ingest', 'catalog', 'search', 'analytics', 'gateway', 'ingress'].flatMap((f) => load(`deploy/k8s/${f}.yaml`));
    expect(checkK8sPolicy(all, { externalSecrets: ['observatoire-secrets'] })).toEqual([]);
    const broken = structuredClone(all) as Obj[];
    const catalog = broken.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'catalog') as Obj & { spec: { template: { spec: { securityContext: unknown; containers: Record<string, unknown>[] } } } };
    catalog.spec.template.spec.securityContext = {};
    const c = catalog.spec.template.spec.containers[0] as { securityContext: { readOnlyRootFilesystem: boolean }; livenessProbe?: unknown; envFrom: { configMapRef?: { name: string } }[] };
    c.securityContext.readOnlyRootFilesystem = false;
    delete c.livenessProbe;
    c.envFrom[0].configMapRef = { name: 'nope' };
    const errors = checkK8sPolicy(broken, { externalSecrets: ['observatoire-secrets'] }).join('\n');
    expect(errors).toMatch(/Deployment\/catalog: pod securityContext.runAsNonRoot must be true/);
    expect(errors).toMatch(/readOnlyRootFilesystem must be true/);
    expect(errors).toMatch(/livenessProbe is required/);
    expect(errors).toMatch(/ConfigMap nope not defined/);
    expect(checkK8sPolicy(all.filter((o) => o.kind !== 'PodDisruptionBudget'), { externalSecrets: ['observatoire-secrets'] }).join('\n')).toMatch(/PodDisruptionBudget\/search is missing/);
  });

  it('reports a compose file with an unknown key, an inline secret and a latest image', () => {
    const [compose] = load('deploy/compose/compose.yaml') as (Obj & { services: Record<string, Record<string, unknown>> })[];
    expect(validateCompose(compose)).toEqual([]);
    const broken = structuredClone(compose);
    broken.services.catalog.restart_policy = 'always';
    broken.services.catalog.environment = { CATALOG_DATABASE_URL: 'postgres://catalog:hunter2@postgres/catalog' };
    broken.services.kafka.image = 'apache/kafka:latest';
    const errors = validateCompose(broken).join('\n');
    expect(errors).toMatch(/\/services\/catalog must NOT have additional properties \(restart_policy\)/);
    expect(errors).toMatch(/CATALOG_DATABASE_URL is a secret/);
    expect(errors).toMatch(/apache\/kafka:latest must have an explicit tag, not latest/);
  });

  it('reports a Dockerfile running as root without a healthcheck', () => {
    const good = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
    expect(lintDockerfile(good)).toEqual([]);
    const broken = good.replace(/^USER .*$/m, 'USER root').replace(/^HEALTHCHECK[\s\S]*?\n\n/m, '').replace('npm ci --omit=dev', 'npm install').replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:latest');
    const errors = lintDockerfile(broken).join('\n');
    expect(errors).toMatch(/runs as root/);
    expect(errors).toMatch(/no HEALTHCHECK/);
    expect(errors).toMatch(/npm ci --omit=dev/);
    expect(errors).toMatch(/uses latest/);
  });
});
