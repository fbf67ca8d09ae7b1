#!/usr/bin/env node
// Keeps k8s/monitoring/alert-rules.prometheusrule.yaml (PrometheusRule resources for the
// prometheus-operator) equal to the plain Prometheus rule files listed in the `urrbmi-alert-rules`
// configMapGenerator of k8s/monitoring/kustomization.yaml. Kustomize cannot lift a plain rule file
// into a resource's spec, so the resources are written from the files, and the deployment test
// fails when they drift apart.
//   node tools/deploy/sync-prometheus-rules.js          rewrite the PrometheusRule file
//   node tools/deploy/sync-prometheus-rules.js --check  exit 1 if it is out of date
const { readFileSync, writeFileSync, existsSync } = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const MONITORING = path.resolve(__dirname, '../../k8s/monitoring');
const OUTPUT = path.join(MONITORING, 'alert-rules.prometheusrule.yaml');
const GENERATOR = 'urrbmi-alert-rules';

/** The plain rule files the kustomization lists for the alert-rules ConfigMap. */
function ruleFiles() {
  const kustomization = YAML.parse(readFileSync(path.join(MONITORING, 'kustomization.yaml'), 'utf8'));
  const generator = (kustomization.configMapGenerator ?? []).find((g) => g.name === GENERATOR);
  if (!generator) throw new Error(`k8s/monitoring/kustomization.yaml has no configMapGenerator ${GENERATOR}`);
  return generator.files.map((f) => String(f).replace(/^[^=]+=/, ''));
}

/** One PrometheusRule per rule file, its groups copied as they are, formatted as Prettier would. */
async function expectedText() {
  const docs = ruleFiles().map((file) => {
    const rules = YAML.parse(readFileSync(path.join(MONITORING, file), 'utf8'));
    return {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: `urrbmi-${path.basename(file, path.extname(file))}`,
        labels: { 'app.kubernetes.io/part-of': 'urrbmi' },
        annotations: { 'urrbmi.io/source': `k8s/monitoring/${file}` },
      },
      spec: { groups: rules.groups },
    };
  });
  const header =
    '# Written by tools/deploy/sync-prometheus-rules.js from the rule files of k8s/monitoring/kustomization.yaml\n' +
    '# (configMapGenerator urrbmi-alert-rules). Do not edit: edit those files and run the script.\n';
  const text = header + docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
  const prettier = require('prettier');
  return prettier.format(text, { ...(await prettier.resolveConfig(OUTPUT)), filepath: OUTPUT });
}

async function isCurrent() {
  return existsSync(OUTPUT) && readFileSync(OUTPUT, 'utf8') === (await expectedText());
}

module.exports = { ruleFiles, expectedText, isCurrent, OUTPUT };

async function main() {
  if (process.argv.includes('--check')) {
    if (!(await isCurrent())) {
      console.error(
        `${path.relative(process.cwd(), OUTPUT)} is out of date: run node tools/deploy/sync-prometheus-rules.js`,
      );
      process.exit(1);
    }
  } else {
    writeFileSync(OUTPUT, await expectedText());
    console.log(`wrote ${path.relative(process.cwd(), OUTPUT)} from ${ruleFiles().join(', ')}`);
  }
}

if (require.main === module) main();
