import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  composeProblems,
  dockerfileProblems,
  dockerignoreProblems,
  importsOutsideDependencies,
  parseDockerfile,
} from '../support/docker-checks';
import { REPO_ROOT, requireTool } from '../support/tools';

// No Docker engine and no hadolint here (Debian does not package it): the Dockerfile and the
// compose file are checked structurally; e2e/system/test/deployment-image.e2e-spec.ts builds and
// runs the image's file layout without Docker.
const dockerfile = readFileSync(path.join(REPO_ROOT, 'docker/Dockerfile'), 'utf8');
const compose = readFileSync(path.join(REPO_ROOT, 'docker/docker-compose.yml'), 'utf8');

describe('docker/Dockerfile', () => {
  it('is multi-stage, pinned, non-root, and ships production dependencies only', () => {
    expect(dockerfileProblems(dockerfile)).toEqual([]);
    const froms = parseDockerfile(dockerfile).filter((i) => i.op === 'FROM');
    expect(froms.map((f) => f.args)).toEqual([
      'node:20.20-bookworm-slim AS build',
      'node:20.20-bookworm-slim AS production-dependencies',
      'node:20.20-bookworm-slim AS runtime',
    ]);
  });

  it('reports a Dockerfile that runs as root, on latest, with dev dependencies', () => {
    const broken = dockerfile
      .replace(/^USER .*$/m, '')
      .replace('NODE_IMAGE=node:20.20-bookworm-slim', 'NODE_IMAGE=node:latest')
      .replace('npm ci --omit=dev', 'npm ci');
    expect(dockerfileProblems(broken)).toEqual(
      expect.arrayContaining([
        'FROM node:latest uses the latest tag',
        'the runtime stage sets no USER (it would run as root)',
        'node_modules of the runtime stage come from stage production-dependencies, which does not install with --omit=dev',
      ]),
    );
  });

  it('needs only production dependencies at run time: no service or library imports a dev dependency', () => {
    expect(importsOutsideDependencies(REPO_ROOT)).toEqual([]);
    // and it does see an import of a dev dependency:
    const repo = mkdtempSync(path.join(tmpdir(), 'urrbmi-imports-'));
    mkdirSync(path.join(repo, 'apps/some-service/src'), { recursive: true });
    mkdirSync(path.join(repo, 'libs'));
    writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ dependencies: { pg: '1' } }));
    writeFileSync(
      path.join(repo, 'apps/some-service/src/main.ts'),
      "import { Client } from 'pg';\nimport fc from 'fast-check';\nimport './local';\n",
    );
    expect(importsOutsideDependencies(repo)).toEqual([
      'apps/some-service/src/main.ts imports fast-check, not a production dependency',
    ]);
  });

  it('keeps installs and local state out of the build context (.dockerignore)', () => {
    expect(dockerignoreProblems(readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8'))).toEqual([]);
  });
});

describe('docker/docker-compose.yml', () => {
  it('runs Kafka (KRaft) and Postgres, then each service after its own migration, with health checks', () => {
    expect(composeProblems(compose)).toEqual([]);
  });

  it('reports a service without health check, dependency order or migration', () => {
    const broken = compose
      .replace(
        "      - \"fetch('http://127.0.0.1:8080/health/ready')",
        "      - \"fetch('http://127.0.0.1:8080/')",
      )
      .replace('      refund-migrate: { condition: service_completed_successfully }\n', '')
      .replace('      kafka: { condition: service_healthy }\n', '');
    expect(composeProblems(broken)).toEqual(
      expect.arrayContaining([
        'enrollment-service has no healthcheck on /health/ready',
        'enrollment-service does not wait for a healthy Kafka',
        'refund-service does not wait for a migration of its own image (--migrate-only)',
      ]),
    );
  });
});

describe('the tools the deployment checks need', () => {
  it('fail the test with the way to install them when missing, rather than skipping it', () => {
    expect(() => requireTool('no-such-tool-urrbmi', 'no-such-package')).toThrow(
      'no-such-tool-urrbmi is not installed, so this check cannot run. Install it with tools/lib/ensure-tools.sh (apt-get install no-such-package); npm test does so itself.',
    );
    expect(requireTool('kubectl', 'kubectl')).toMatch(/kubectl$/);
  });
});
