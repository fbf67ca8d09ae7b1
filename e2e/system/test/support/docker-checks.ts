import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SERVICE_NAMES } from '@urrbmi/contracts';
import { loadServiceEnv } from '@urrbmi/platform';

/** One instruction of a Dockerfile, continuation lines joined, ARG defaults substituted into FROM. */
export interface Instruction {
  op: string;
  args: string;
  stage: string;
}

export function parseDockerfile(text: string): Instruction[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const globalArgs: Record<string, string> = {};
  const out: Instruction[] = [];
  let stage = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const OP = op.toUpperCase();
    if (OP === 'ARG' && !stage) {
      const [k, v] = args.split('=');
      globalArgs[k] = v ?? '';
    }
    if (OP === 'FROM') {
      const resolved = args.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a, b) => globalArgs[a ?? b] ?? '');
      stage = / AS (\S+)/i.exec(resolved)?.[1] ?? resolved;
      out.push({ op: OP, args: resolved, stage });
      continue;
    }
    out.push({ op: OP, args, stage });
  }
  return out;
}

/** What a Dockerfile must hold to build a small, non-root image of any service from production dependencies. */
export function dockerfileProblems(text: string): string[] {
  const problems: string[] = [];
  const ins = parseDockerfile(text);
  const froms = ins.filter((i) => i.op === 'FROM');
  if (froms.length < 2) problems.push('not a multi-stage build');
  for (const f of froms) {
    const image = f.args.split(/\s+/)[0];
    const stages = froms.map((x) => x.stage);
    if (stages.includes(image)) continue; // FROM an earlier stage
    const tag = image.slice(image.lastIndexOf('/') + 1).split(':')[1];
    if (!tag && !image.includes('@sha256:')) problems.push(`FROM ${image} has no tag`);
    if (tag === 'latest') problems.push(`FROM ${image} uses the latest tag`);
  }
  const final = froms[froms.length - 1]?.stage;
  const finalIns = ins.filter((i) => i.stage === final);
  const users = finalIns.filter((i) => i.op === 'USER');
  const user = users[users.length - 1]?.args.split(':')[0];
  if (!user) problems.push('the runtime stage sets no USER (it would run as root)');
  else if (user === 'root' || user === '0') problems.push(`the runtime stage runs as ${user}`);
  else if (!/^\d+$/.test(user))
    problems.push(`USER ${user} is not numeric, so Kubernetes cannot verify runAsNonRoot`);
  // node_modules of the runtime stage must come from a stage that installed without dev dependencies.
  const modules = finalIns.filter((i) => i.op === 'COPY' && /\snode_modules\s*$/.test(i.args));
  if (modules.length !== 1)
    problems.push('the runtime stage copies node_modules from no stage (or from several)');
  for (const m of modules) {
    const from = /--from=(\S+)/.exec(m.args)?.[1];
    const installs = ins.filter((i) => i.stage === from && i.op === 'RUN' && /npm ci/.test(i.args));
    if (!installs.length || installs.some((i) => !/--omit=dev/.test(i.args)))
      problems.push(
        `node_modules of the runtime stage come from stage ${from}, which does not install with --omit=dev`,
      );
  }
  if (!finalIns.some((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT'))
    problems.push('the runtime stage has no CMD');
  if (!ins.some((i) => i.op === 'RUN' && /tsc -p tsconfig\.build\.json/.test(i.args)))
    problems.push('no stage builds with tsc -p tsconfig.build.json');
  for (const service of SERVICE_NAMES)
    if (!ins.some((i) => i.op === 'RUN' && i.args.includes(service)))
      problems.push(`the SERVICE check does not admit ${service}`);
  return problems;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ComposeService = any;

const MIGRATE_ONLY = '--migrate-only';

/** The compose file: Kafka in KRaft, Postgres, per service a migration and the service, in order, healthy. */
export function composeProblems(text: string): string[] {
  const problems: string[] = [];
  const compose = parseYaml(text, { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services ?? {};
  for (const [name, s] of Object.entries(services)) {
    const image: string = s.image ?? '';
    const tag = image.slice(image.lastIndexOf('/') + 1).split(':')[1];
    if (!tag) problems.push(`${name}: image ${image} has no tag`);
    if (tag === 'latest') problems.push(`${name}: image ${image} uses the latest tag`);
  }
  const kafka = Object.entries(services).find(([, s]) => String(s.image).startsWith('apache/kafka:'));
  if (!kafka) problems.push('no service runs the official apache/kafka image');
  else {
    const env = kafka[1].environment ?? {};
    if (!String(env.KAFKA_PROCESS_ROLES ?? '').includes('controller'))
      problems.push('Kafka does not run in KRaft mode');
    if (Object.keys(env).some((k) => /ZOOKEEPER/.test(k))) problems.push('Kafka is configured for ZooKeeper');
    if (!kafka[1].healthcheck) problems.push('Kafka has no healthcheck');
  }
  const postgres = Object.entries(services).find(([, s]) => String(s.image).startsWith('postgres:'));
  if (!postgres?.[1].healthcheck) problems.push('no Postgres service with a healthcheck');
  const ports = new Set<string>();
  for (const service of SERVICE_NAMES) {
    const s = services[service];
    if (!s) {
      problems.push(`${service} is missing`);
      continue;
    }
    const test = (s.healthcheck?.test ?? []).join(' ');
    if (!test.includes('/health/ready')) problems.push(`${service} has no healthcheck on /health/ready`);
    const deps = s.depends_on ?? {};
    if (Array.isArray(deps)) problems.push(`${service}: depends_on without conditions`);
    if (kafka && deps[kafka[0]]?.condition !== 'service_healthy')
      problems.push(`${service} does not wait for a healthy Kafka`);
    if (postgres && deps[postgres[0]]?.condition !== 'service_healthy')
      problems.push(`${service} does not wait for a healthy Postgres`);
    const migration = Object.entries(deps).find(
      ([dep, d]) =>
        (d as { condition?: string }).condition === 'service_completed_successfully' &&
        (services[dep]?.command ?? []).includes(MIGRATE_ONLY) &&
        services[dep]?.image === s.image,
    );
    if (!migration)
      problems.push(`${service} does not wait for a migration of its own image (${MIGRATE_ONLY})`);
    else if (postgres && services[migration[0]].depends_on?.[postgres[0]]?.condition !== 'service_healthy')
      problems.push(`${migration[0]} does not wait for a healthy Postgres`);
    if (!s.read_only) problems.push(`${service} has a writable root filesystem`);
    for (const p of s.ports ?? []) {
      const host = String(p).split(':').slice(0, -1).join(':');
      if (ports.has(host)) problems.push(`${service}: host port ${host} is taken twice`);
      ports.add(host);
    }
    try {
      loadServiceEnv(s.environment ?? {});
    } catch (e) {
      problems.push(`${service}: ${(e as Error).message}`);
    }
  }
  return problems;
}

/** Every package the compiled services load must be a production dependency (the image has no others). */
export function importsOutsideDependencies(repoRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const allowed = new Set(Object.keys(pkg.dependencies));
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const problems: string[] = [];
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = path.join(dir, n);
      if (statSync(p).isDirectory()) return n === 'test' ? [] : walk(p);
      return /\.ts$/.test(n) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(n) ? [p] : [];
    });
  const roots = ['apps', 'libs'].flatMap((d) =>
    readdirSync(path.join(repoRoot, d)).map((p) => path.join(repoRoot, d, p, 'src')),
  );
  for (const file of roots.flatMap(walk)) {
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(
      /(?:\bfrom\s+|^import\s+|\brequire\(|\bimport\()['"]([^'"\n./][^'"\n]*)['"]/gm,
    )) {
      if (spec.startsWith('@urrbmi/') || builtins.has(spec)) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (!allowed.has(name))
        problems.push(`${path.relative(repoRoot, file)} imports ${name}, not a production dependency`);
    }
  }
  return problems;
}

/** .dockerignore must keep local state and installs out of the build context. */
export function dockerignoreProblems(text: string): string[] {
  const entries = new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
  return ['node_modules', '.git', '.local', 'dist']
    .filter((e) => !entries.has(e))
    .map((e) => `.dockerignore does not exclude ${e}`);
}
