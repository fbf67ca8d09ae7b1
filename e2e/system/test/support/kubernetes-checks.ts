import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ALL_TOPICS, deadLetterTopicOf, SERVICE_NAMES } from '@urrbmi/contracts';
import { loadServiceEnv } from '@urrbmi/platform';
import { requireTool } from './tools';

/** Any field of parsed YAML: read defensively, since checking the fields is the point. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Field = any;

/** A rendered Kubernetes resource. */
export type Resource = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [k: string]: Field };
  [k: string]: Field;
};

export type Overlay = 'county' | 'province';

/** `kubectl kustomize <k8sRoot>/overlays/<overlay>`, parsed. */
export function renderOverlay(k8sRoot: string, overlay: Overlay): Resource[] {
  const kubectl = requireTool('kubectl', 'kubectl');
  const out = execFileSync(kubectl, ['kustomize', path.join(k8sRoot, 'overlays', overlay)], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Resource)
    .filter((r) => r !== null);
}

export interface ModelResult {
  kind: string;
  name: string;
  result: 'valid' | 'invalid' | 'no-model';
  errors: string[];
}

/** Each resource against the schemas of kubernetes-models (+ KEDA, prometheus-operator). */
export function validateWithModels(resources: Resource[]): ModelResult[] {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'validate-models.mjs')], {
    input: JSON.stringify(resources),
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (run.status !== 0) throw new Error(`validate-models.mjs failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ModelResult[];
}

const byKind = (resources: Resource[], kind: string) => resources.filter((r) => r.kind === kind);
const id = (r: Resource) => `${r.kind} ${r.metadata.name}`;

function imageProblems(where: string, image: unknown): string[] {
  if (typeof image !== 'string' || image === '') return [`${where}: no image`];
  const afterSlash = image.slice(image.lastIndexOf('/') + 1);
  if (image.includes('@sha256:')) return [];
  if (!afterSlash.includes(':')) return [`${where}: image ${image} has no tag`];
  if (afterSlash.endsWith(':latest')) return [`${where}: image ${image} uses the latest tag`];
  return [];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PodSpec = any;

/** Non-root, read-only root filesystem, no privilege escalation, pinned images, resources. */
function podProblems(owner: string, spec: PodSpec): string[] {
  const problems: string[] = [];
  if (spec?.securityContext?.runAsNonRoot !== true) problems.push(`${owner}: pod does not set runAsNonRoot`);
  if (spec?.securityContext?.runAsUser === 0) problems.push(`${owner}: pod runs as uid 0`);
  const volumes = new Map<string, Record<string, unknown>>(
    (spec?.volumes ?? []).map((v: { name: string }) => [v.name, v]),
  );
  for (const c of spec?.containers ?? []) {
    const where = `${owner}: container ${c.name}`;
    problems.push(...imageProblems(where, c.image));
    if (c.securityContext?.readOnlyRootFilesystem !== true)
      problems.push(`${where} has no readOnlyRootFilesystem`);
    if (c.securityContext?.allowPrivilegeEscalation !== false)
      problems.push(`${where} allows privilege escalation`);
    if (c.securityContext?.runAsUser === 0) problems.push(`${where} runs as uid 0`);
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory)
      problems.push(`${where} has no cpu/memory requests`);
    if (!c.resources?.limits?.memory) problems.push(`${where} has no memory limit`);
    // A read-only root needs a writable /tmp (uploads stream there before they are hashed).
    const tmp = (c.volumeMounts ?? []).find((m: { mountPath: string }) => m.mountPath === '/tmp');
    if (!tmp || !volumes.get(tmp.name)?.emptyDir) problems.push(`${where} has no emptyDir at /tmp`);
    for (const e of c.env ?? []) {
      if (/DATABASE_URL|PASSWORD|SECRET|API_KEY/.test(e.name) && e.value !== undefined)
        problems.push(`${where}: ${e.name} is written in the manifest instead of referring to a Secret`);
    }
  }
  return problems;
}

function probeProblems(owner: string, container: PodSpec): string[] {
  const problems: string[] = [];
  const ports = new Set(
    (container.ports ?? []).flatMap((p: { name?: string; containerPort: number }) => [
      p.name,
      p.containerPort,
    ]),
  );
  for (const [probe, route] of [
    ['readinessProbe', '/health/ready'],
    ['livenessProbe', '/health/live'],
  ] as const) {
    const p = container[probe];
    if (!p) problems.push(`${owner}: container ${container.name} has no ${probe}`);
    else if (p.httpGet?.path !== route)
      problems.push(`${owner}: container ${container.name} ${probe} asks ${p.httpGet?.path}, not ${route}`);
    else if (!ports.has(p.httpGet.port))
      problems.push(
        `${owner}: container ${container.name} ${probe} names port ${p.httpGet.port}, which it does not open`,
      );
  }
  return problems;
}

/** The environment a Deployment's container gets from its ConfigMaps, checked as a service checks it at boot. */
function configProblems(resources: Resource[], deployment: Resource): string[] {
  const container = deployment.spec.template.spec.containers[0];
  const env: Record<string, string> = { DATABASE_URL: 'postgresql://u:p@urrbmi-db-rw:5432/urrbmi' };
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const cm = byKind(resources, 'ConfigMap').find((c) => c.metadata.name === name);
    if (!cm) return [`${id(deployment)} reads ConfigMap ${name}, which is not rendered`];
    Object.assign(env, cm.data ?? {});
  }
  try {
    loadServiceEnv(env);
  } catch (e) {
    return [`${id(deployment)}: its settings would stop the service at boot: ${(e as Error).message}`];
  }
  return [];
}

/** Every invariant the deployment files promise; an empty list means they hold. */
export function checkInvariants(resources: Resource[], overlay: Overlay): string[] {
  const problems: string[] = [];
  const deployments = byKind(resources, 'Deployment');
  const names = deployments.map((d) => d.metadata.name).sort();
  if (JSON.stringify(names) !== JSON.stringify([...SERVICE_NAMES].sort()))
    problems.push(`Deployments are ${names.join(', ')}; expected the five services`);

  const common = byKind(resources, 'ConfigMap').find((c) => c.metadata.name === 'urrbmi-common');
  const groupPrefix: string = common?.data?.KAFKA_GROUP_PREFIX ?? '';

  for (const d of deployments) {
    const name = d.metadata.name;
    const spec = d.spec.template.spec;
    problems.push(...podProblems(id(d), spec));
    for (const c of spec.containers) problems.push(...probeProblems(id(d), c));
    problems.push(...configProblems(resources, d));
    const podLabels = d.spec.template.metadata.labels ?? {};
    const selects = (selector: Record<string, string> | undefined) =>
      !!selector && Object.entries(selector).every(([k, v]) => podLabels[k] === v);
    if (!byKind(resources, 'Service').some((s) => selects(s.spec.selector)))
      problems.push(`${id(d)} has no Service`);
    if (!byKind(resources, 'PodDisruptionBudget').some((p) => selects(p.spec.selector?.matchLabels)))
      problems.push(`${id(d)} has no PodDisruptionBudget`);
    const migration = byKind(resources, 'Job').find(
      (j) => j.spec.template.spec.containers[0]?.image === spec.containers[0].image,
    );
    if (!migration) problems.push(`${id(d)} has no migration Job running its image`);
    else if (!(migration.spec.template.spec.containers[0].command ?? []).includes('--migrate-only'))
      problems.push(`${id(migration)} does not run --migrate-only`);
    const hpa = byKind(resources, 'HorizontalPodAutoscaler').find(
      (h) => h.spec.scaleTargetRef?.name === name,
    );
    const scaled = byKind(resources, 'ScaledObject').find((s) => s.spec.scaleTargetRef?.name === name);
    if (overlay === 'county') {
      if (d.spec.replicas !== 1) problems.push(`${id(d)} has ${d.spec.replicas} replicas; a county runs 1`);
      if (!hpa?.spec.metrics?.some((m: { resource?: { name: string } }) => m.resource?.name === 'cpu'))
        problems.push(`${id(d)} has no CPU HorizontalPodAutoscaler`);
    } else {
      if (!(d.spec.replicas >= 2))
        problems.push(`${id(d)} has ${d.spec.replicas} replicas; a province runs several`);
      if (hpa) problems.push(`${id(hpa)} competes with KEDA for ${name}`);
      const lag = scaled?.spec.triggers?.find((t: { type: string }) => t.type === 'kafka');
      if (!lag) problems.push(`${id(d)} has no KEDA ScaledObject on Kafka consumer lag`);
      else if (lag.metadata?.consumerGroup !== `${groupPrefix}${name}`)
        problems.push(
          `ScaledObject ${name} watches group ${lag.metadata?.consumerGroup}, the service consumes as ${groupPrefix}${name}`,
        );
    }
  }

  for (const j of byKind(resources, 'Job')) problems.push(...podProblems(id(j), j.spec.template.spec));

  for (const s of byKind(resources, 'Secret'))
    if (s.data || s.stringData) problems.push(`${id(s)} commits secret values`);

  problems.push(...kafkaProblems(resources, overlay));
  problems.push(...postgresProblems(resources, overlay));
  problems.push(...networkPolicyProblems(resources));
  problems.push(...monitoringProblems(resources));
  return problems;
}

/**
 * Strimzi has no installed models: its required structure is checked here (KRaft node pools,
 * listeners, topic replication and min.insync.replicas, the contract's topics).
 */
function kafkaProblems(resources: Resource[], overlay: Overlay): string[] {
  const problems: string[] = [];
  const kafkas = byKind(resources, 'Kafka');
  if (kafkas.length !== 1) return [`expected one Strimzi Kafka, found ${kafkas.length}`];
  const kafka = kafkas[0];
  const cluster = kafka.metadata.name;
  if (kafka.apiVersion !== 'kafka.strimzi.io/v1') problems.push(`${id(kafka)} is ${kafka.apiVersion}`);
  if (!kafka.spec?.kafka?.version) problems.push(`${id(kafka)} names no Kafka version`);
  const listeners = kafka.spec?.kafka?.listeners ?? [];
  if (!listeners.some((l: { port: number; type: string }) => l.port === 9092 && l.type === 'internal'))
    problems.push(`${id(kafka)} has no internal listener on 9092`);
  if (kafka.spec?.kafka?.zookeeper || kafka.spec?.zookeeper) problems.push(`${id(kafka)} uses ZooKeeper`);
  const config = kafka.spec?.kafka?.config ?? {};
  if (config['auto.create.topics.enable'] !== false) problems.push(`${id(kafka)} lets clients create topics`);
  if (!kafka.spec?.entityOperator?.topicOperator) problems.push(`${id(kafka)} runs no topic operator`);

  const pools = byKind(resources, 'KafkaNodePool').filter(
    (p) => p.metadata.labels?.['strimzi.io/cluster'] === cluster,
  );
  if (pools.length === 0) problems.push(`${id(kafka)} has no KafkaNodePool`);
  let controllers = 0;
  let brokers = 0;
  for (const p of pools) {
    const roles: string[] = p.spec?.roles ?? [];
    if (roles.length === 0 || roles.some((r) => r !== 'controller' && r !== 'broker'))
      problems.push(`${id(p)} has roles ${roles.join(',')}`);
    if (!Number.isInteger(p.spec?.replicas)) problems.push(`${id(p)} has no replica count`);
    if (!p.spec?.storage?.type) problems.push(`${id(p)} has no storage`);
    if (roles.includes('controller')) controllers += p.spec.replicas;
    if (roles.includes('broker')) brokers += p.spec.replicas;
  }
  if (controllers < 3 || controllers % 2 === 0)
    problems.push(
      `${id(kafka)} has ${controllers} KRaft controllers; a quorum that survives a loss needs an odd number >= 3`,
    );

  const topics = byKind(resources, 'KafkaTopic');
  const wanted = ALL_TOPICS.flatMap((t) => [t, deadLetterTopicOf(t)]);
  for (const t of wanted) {
    const found = topics.filter((k) => (k.spec?.topicName ?? k.metadata.name) === t);
    if (found.length !== 1)
      problems.push(`topic ${t} of the contract has ${found.length} KafkaTopic resources`);
  }
  for (const t of topics) {
    const name = t.spec?.topicName ?? t.metadata.name;
    if (!wanted.includes(name)) problems.push(`KafkaTopic ${name} is not a topic of the contract`);
    if (t.metadata.labels?.['strimzi.io/cluster'] !== cluster)
      problems.push(`KafkaTopic ${name} names no cluster ${cluster}`);
    const replicas = t.spec?.replicas;
    const minIsr = Number(t.spec?.config?.['min.insync.replicas'] ?? config['min.insync.replicas'] ?? 1);
    if (!Number.isInteger(t.spec?.partitions) || t.spec.partitions < 1)
      problems.push(`KafkaTopic ${name} has no partitions`);
    if (replicas > brokers)
      problems.push(`KafkaTopic ${name} wants ${replicas} replicas on ${brokers} brokers`);
    if (overlay === 'province') {
      if (!(replicas >= 3))
        problems.push(`KafkaTopic ${name} has replication ${replicas}; the province needs >= 3`);
      if (minIsr !== 2)
        problems.push(`KafkaTopic ${name} has min.insync.replicas ${minIsr}; the province needs 2`);
    } else if (!(minIsr < replicas)) {
      problems.push(
        `KafkaTopic ${name}: min.insync.replicas ${minIsr} with replication ${replicas} stops writes when one broker is down`,
      );
    }
  }
  if (overlay === 'province') {
    const partitions = Math.min(...topics.map((t) => t.spec?.partitions ?? 0));
    for (const s of byKind(resources, 'ScaledObject'))
      if (s.spec.maxReplicaCount > partitions)
        problems.push(
          `ScaledObject ${s.metadata.name} scales to ${s.spec.maxReplicaCount} replicas over ${partitions} partitions`,
        );
  }
  return problems;
}

/** CloudNativePG has no installed models either: its required structure is checked here. */
function postgresProblems(resources: Resource[], overlay: Overlay): string[] {
  const clusters = byKind(resources, 'Cluster').filter((c) => c.apiVersion === 'postgresql.cnpg.io/v1');
  if (clusters.length !== 1) return [`expected one CloudNativePG Cluster, found ${clusters.length}`];
  const c = clusters[0];
  const problems: string[] = imageProblems(id(c), c.spec?.imageName);
  if (!Number.isInteger(c.spec?.instances) || c.spec.instances < (overlay === 'province' ? 3 : 1))
    problems.push(`${id(c)} has ${c.spec?.instances} instances`);
  if (!c.spec?.storage?.size) problems.push(`${id(c)} has no storage size`);
  if (c.spec?.bootstrap?.initdb?.database !== 'urrbmi')
    problems.push(`${id(c)} does not create the urrbmi database`);
  // The services read DATABASE_URL from the Secret the operator writes: <cluster>-app.
  for (const d of byKind(resources, 'Deployment').concat(byKind(resources, 'Job'))) {
    const ref = d.spec.template.spec.containers[0].env?.find(
      (e: { name: string }) => e.name === 'DATABASE_URL',
    );
    if (
      ref?.valueFrom?.secretKeyRef?.name !== `${c.metadata.name}-app` ||
      ref.valueFrom.secretKeyRef.key !== 'uri'
    )
      problems.push(`${id(d)} does not read DATABASE_URL from ${c.metadata.name}-app/uri`);
  }
  return problems;
}

/** Services may reach Kafka, Postgres and DNS only; they are reached on their HTTP port only. */
function networkPolicyProblems(resources: Resource[]): string[] {
  const problems: string[] = [];
  const policies = byKind(resources, 'NetworkPolicy');
  const forServices = policies.filter(
    (p) => p.spec.podSelector?.matchLabels?.['app.kubernetes.io/part-of'] === 'urrbmi',
  );
  const denyAll = forServices.find(
    (p) =>
      Object.keys(p.spec.podSelector.matchLabels).length === 1 &&
      ['Ingress', 'Egress'].every((t) => p.spec.policyTypes?.includes(t)) &&
      !p.spec.ingress &&
      !p.spec.egress,
  );
  if (!denyAll) problems.push('no NetworkPolicy denies all traffic of the services by default');
  const allowedEgressPorts = new Set([9092, 5432, 53]);
  for (const p of forServices) {
    for (const rule of p.spec.egress ?? []) {
      if (!rule.ports?.length) problems.push(`NetworkPolicy ${p.metadata.name} allows egress on every port`);
      for (const port of rule.ports ?? [])
        if (!allowedEgressPorts.has(port.port))
          problems.push(`NetworkPolicy ${p.metadata.name} allows egress to port ${port.port}`);
    }
    for (const rule of p.spec.ingress ?? []) {
      if (!rule.from?.length) problems.push(`NetworkPolicy ${p.metadata.name} admits every source`);
      if (!rule.ports?.length || rule.ports.some((x: { port: unknown }) => x.port !== 'http'))
        problems.push(`NetworkPolicy ${p.metadata.name} admits traffic to other ports than http`);
    }
  }
  if (
    !forServices.some((p) =>
      p.spec.egress?.some((r: { ports?: { port: number }[] }) => r.ports?.some((x) => x.port === 9092)),
    )
  )
    problems.push('no NetworkPolicy lets the services reach Kafka');
  if (
    !forServices.some((p) =>
      p.spec.egress?.some((r: { ports?: { port: number }[] }) => r.ports?.some((x) => x.port === 5432)),
    )
  )
    problems.push('no NetworkPolicy lets the services reach Postgres');
  const kafka = byKind(resources, 'Kafka')[0];
  const peers = kafka?.spec?.kafka?.listeners?.find(
    (l: { port: number }) => l.port === 9092,
  )?.networkPolicyPeers;
  if (!peers?.length) problems.push('the Kafka listener admits every pod (no networkPolicyPeers)');
  return problems;
}

/** ServiceMonitor for the services, PrometheusRules equal to the plain rule files, the dashboard. */
function monitoringProblems(resources: Resource[]): string[] {
  const problems: string[] = [];
  const monitors = byKind(resources, 'ServiceMonitor');
  if (
    !monitors.some(
      (m) =>
        m.spec.selector?.matchLabels?.['app.kubernetes.io/component'] === 'service' &&
        m.spec.endpoints?.some((e: { path: string }) => e.path === '/metrics'),
    )
  )
    problems.push('no ServiceMonitor scrapes /metrics of the services');
  const ruleFiles = byKind(resources, 'ConfigMap').find((c) => c.metadata.name === 'urrbmi-alert-rules');
  if (!ruleFiles) return [...problems, 'no urrbmi-alert-rules ConfigMap'];
  const rendered = byKind(resources, 'PrometheusRule');
  for (const [file, text] of Object.entries<string>(ruleFiles.data ?? {})) {
    const rule = rendered.find(
      (r) => r.metadata.annotations?.['urrbmi.io/source'] === `k8s/monitoring/${file}`,
    );
    if (!rule)
      problems.push(
        `rule file ${file} has no PrometheusRule (run node tools/deploy/sync-prometheus-rules.js)`,
      );
    else if (!isDeepStrictEqual(rule.spec.groups, parseYaml(text).groups))
      problems.push(
        `PrometheusRule ${rule.metadata.name} differs from ${file} (run node tools/deploy/sync-prometheus-rules.js)`,
      );
  }
  const dashboards = byKind(resources, 'ConfigMap').find((c) => c.metadata.labels?.grafana_dashboard === '1');
  if (!dashboards) problems.push('no Grafana dashboard ConfigMap');
  else
    for (const [file, text] of Object.entries<string>(dashboards.data ?? {}))
      try {
        JSON.parse(text);
      } catch {
        problems.push(`dashboard ${file} is not JSON`);
      }
  return problems;
}

/** The contract's topics, for tests that name one. */
export const CONTRACT_TOPICS = ALL_TOPICS;

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
