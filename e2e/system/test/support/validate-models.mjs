// Validates Kubernetes resources against the schemas of kubernetes-models (Kubernetes itself) and
// @kubernetes-models/keda and @kubernetes-models/prometheus-operator. Those packages are ES
// modules only, which jest's CommonJS runtime cannot load, so the test runs this in a child process:
// JSON array of resources on stdin, JSON array of { kind, name, result, errors } on stdout.
// result: "valid", "invalid", or "no-model" (kinds no installed package models: Strimzi, CNPG).
const MODEL_PACKAGES = {
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};
const NO_MODEL_GROUPS = new Set(['kafka.strimzi.io', 'postgresql.cnpg.io']);

function modulePath(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (NO_MODEL_GROUPS.has(group)) return undefined;
  const pkg = MODEL_PACKAGES[group] ?? 'kubernetes-models';
  return group === '' ? `${pkg}/${version}/${kind}` : `${pkg}/${group}/${version}/${kind}`;
}

async function check(resource) {
  const { apiVersion, kind } = resource;
  const name = resource.metadata?.name;
  const path = modulePath(String(apiVersion), String(kind));
  if (!path) return { kind, name, result: 'no-model', errors: [] };
  let Model;
  try {
    Model = (await import(path))[kind];
  } catch {
    return { kind, name, result: 'invalid', errors: [`no schema for ${apiVersion} ${kind}`] };
  }
  if (!Model) return { kind, name, result: 'invalid', errors: [`no schema for ${apiVersion} ${kind}`] };
  try {
    new Model(resource).validate();
    return { kind, name, result: 'valid', errors: [] };
  } catch (e) {
    const errors = Array.isArray(e.errors)
      ? e.errors.map((x) => `${x.instancePath || '/'} ${x.message}`)
      : [String(e.message)];
    return { kind, name, result: 'invalid', errors };
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const resource of JSON.parse(input)) results.push(await check(resource));
process.stdout.write(JSON.stringify(results));
