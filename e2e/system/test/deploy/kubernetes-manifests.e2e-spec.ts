import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import {
  checkInvariants,
  CONTRACT_TOPICS,
  Overlay,
  renderOverlay,
  Resource,
  validateWithModels,
} from '../support/kubernetes-checks';
import { REPO_ROOT } from '../support/tools';

const K8S = path.join(REPO_ROOT, 'k8s');
const OVERLAYS: Overlay[] = ['county', 'province'];

/** A copy of k8s/ in a temporary folder, changed by `mutate`, for showing that a check catches a fault. */
function mutatedCopy(mutate: (root: string) => void): string {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'urrbmi-k8s-')), 'k8s');
  cpSync(K8S, root, { recursive: true });
  mutate(root);
  return root;
}

function editYaml(file: string, edit: (doc: ReturnType<typeof parseDocument>) => void): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  edit(doc);
  writeFileSync(file, doc.toString());
}

const copies: string[] = [];
afterAll(() => copies.forEach((c) => rmSync(path.dirname(c), { recursive: true, force: true })));

describe.each(OVERLAYS)('the %s overlay', (overlay) => {
  let resources: Resource[];
  beforeAll(() => {
    resources = renderOverlay(K8S, overlay);
  });

  it('renders with kubectl kustomize into the five services, Kafka, Postgres and monitoring', () => {
    const kinds = new Set(resources.map((r) => r.kind));
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'Job', 'PodDisruptionBudget', 'NetworkPolicy'])
      expect(kinds).toContain(kind);
    for (const kind of [
      'Kafka',
      'KafkaNodePool',
      'KafkaTopic',
      'Cluster',
      'ServiceMonitor',
      'PrometheusRule',
    ])
      expect(kinds).toContain(kind);
    expect(kinds).toContain(overlay === 'county' ? 'HorizontalPodAutoscaler' : 'ScaledObject');
    expect(resources.every((r) => r.metadata.namespace === 'urrbmi' || r.kind === 'Namespace')).toBe(true);
  });

  it('validates every resource against the Kubernetes, KEDA and prometheus-operator schemas', () => {
    const results = validateWithModels(resources);
    expect(results.filter((r) => r.result === 'invalid')).toEqual([]);
    // Strimzi and CloudNativePG have no installed models; checkInvariants checks their structure.
    const unmodelled = new Set(results.filter((r) => r.result === 'no-model').map((r) => r.kind));
    expect([...unmodelled].sort()).toEqual(['Cluster', 'Kafka', 'KafkaNodePool', 'KafkaTopic']);
    expect(results.filter((r) => r.result === 'valid').length).toBeGreaterThan(40);
  });

  it('holds every invariant: probes, non-root, read-only root, pinned images, topics of the contract, scaling, policies', () => {
    expect(checkInvariants(resources, overlay)).toEqual([]);
  });

  it('has a KafkaTopic for every topic of libs/contracts and its dead-letter topic', () => {
    const names = resources.filter((r) => r.kind === 'KafkaTopic').map((r) => r.spec.topicName);
    for (const t of CONTRACT_TOPICS) expect(names).toEqual(expect.arrayContaining([t, `${t}.dlq`]));
  });
});

describe('the checks catch a broken copy', () => {
  it.each([
    ['readinessProbe', 'has no readinessProbe'],
    ['livenessProbe', 'has no livenessProbe'],
  ])('a %s removed from the service template fails both overlays', (probe, message) => {
    const root = mutatedCopy((k8s) =>
      editYaml(path.join(k8s, 'base/service-template/deployment.yaml'), (doc) =>
        doc.deleteIn(['spec', 'template', 'spec', 'containers', 0, probe]),
      ),
    );
    copies.push(root);
    for (const overlay of OVERLAYS) {
      const problems = checkInvariants(renderOverlay(root, overlay), overlay);
      expect(problems).toContain(`Deployment enrollment-service: container service ${message}`);
      expect(problems.filter((p) => p.endsWith(message))).toHaveLength(5);
    }
  });

  it('a topic with replication 1 in the province overlay fails it', () => {
    const root = mutatedCopy((k8s) =>
      editYaml(path.join(k8s, 'overlays/province/kustomization.yaml'), (doc) =>
        doc.addIn(['patches'], {
          target: { kind: 'KafkaTopic', name: 'payment.recorded' },
          patch: '- { op: replace, path: /spec/replicas, value: 1 }\n',
        }),
      ),
    );
    copies.push(root);
    const problems = checkInvariants(renderOverlay(root, 'province'), 'province');
    expect(problems).toEqual(['KafkaTopic payment.recorded has replication 1; the province needs >= 3']);
  });

  it('a topic of the contract missing from the manifests fails', () => {
    const root = mutatedCopy((k8s) => {
      const file = path.join(k8s, 'base/kafka/topics.yaml');
      const docs = readFileSync(file, 'utf8').split('\n---\n');
      writeFileSync(file, docs.filter((d) => !/^  name: feed\.late$/m.test(d)).join('\n---\n'));
    });
    copies.push(root);
    expect(checkInvariants(renderOverlay(root, 'county'), 'county')).toEqual([
      'topic feed.late of the contract has 0 KafkaTopic resources',
    ]);
  });

  it('an image on the latest tag and a root container fail', () => {
    const root = mutatedCopy((k8s) => {
      editYaml(path.join(k8s, 'overlays/county/kustomization.yaml'), (doc) =>
        doc.set('images', [{ name: 'urrbmi/refund-service', newTag: 'latest' }]),
      );
      editYaml(path.join(k8s, 'base/service-template/deployment.yaml'), (doc) =>
        doc.setIn(['spec', 'template', 'spec', 'securityContext', 'runAsNonRoot'], false),
      );
    });
    copies.push(root);
    const problems = checkInvariants(renderOverlay(root, 'county'), 'county');
    expect(problems).toContain(
      'Deployment refund-service: container service: image urrbmi/refund-service:latest uses the latest tag',
    );
    expect(problems).toContain('Deployment enrollment-service: pod does not set runAsNonRoot');
  });

  it('a resource that breaks its schema is reported by the validator', () => {
    const root = mutatedCopy((k8s) =>
      editYaml(path.join(k8s, 'base/service-template/deployment.yaml'), (doc) =>
        doc.setIn(['spec', 'revisionHistoryLimit'], 'five'),
      ),
    );
    copies.push(root);
    const invalid = validateWithModels(renderOverlay(root, 'county')).filter((r) => r.result === 'invalid');
    expect(invalid.map((r) => `${r.kind} ${r.name}`)).toEqual(
      expect.arrayContaining(['Deployment enrollment-service', 'Deployment reporting-service']),
    );
    expect(invalid[0].errors).toContain('/spec/revisionHistoryLimit must be integer');
  });
});

describe('the monitoring wiring (k8s/monitoring)', () => {
  it('holds PrometheusRules that are exactly what tools/deploy/sync-prometheus-rules.js writes from the rule files', () => {
    const check = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'tools/deploy/sync-prometheus-rules.js'), '--check'],
      {
        encoding: 'utf8',
      },
    );
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('fails when a rule file is listed for the ConfigMap without its PrometheusRule (the merge step for prometheus-rules.yaml)', () => {
    const root = mutatedCopy((k8s) => {
      cpSync(path.join(k8s, 'monitoring/messaging-rules.yaml'), path.join(k8s, 'monitoring/more-rules.yaml'));
      editYaml(path.join(k8s, 'monitoring/kustomization.yaml'), (doc) =>
        doc.addIn(['configMapGenerator', 0, 'files'], 'more-rules.yaml'),
      );
    });
    copies.push(root);
    expect(checkInvariants(renderOverlay(root, 'county'), 'county')).toEqual([
      'rule file more-rules.yaml has no PrometheusRule (run node tools/deploy/sync-prometheus-rules.js)',
    ]);
  });
});
