import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_NAMES, Topics } from '@urrbmi/contracts';

const REPO_ROOT = path.resolve(__dirname, '../..');
const BEGIN = '<!-- event-map:begin (npm run docs:event-map) -->';
const END = '<!-- event-map:end -->';

/** Who publishes and who consumes each topic, read from the services' sources. */
export interface EventMap {
  producers: Map<string, Set<string>>;
  consumers: Map<string, Set<string>>;
}

function sourcesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'migrations' ? [] : sourcesOf(full);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [full] : [];
  });
}

const TOPIC_OF_CONTRACT = new Map<string, string>(
  Object.entries(Topics).map(([key, topic]) => [key, topic] as [string, string]),
);

/**
 * Consumers are `@EventPattern(Topics.X)` handlers; producers are outbox messages typed
 * `X.type` where X names a topic in `Topics` (every event's type is its topic).
 */
export function readEventMap(root = REPO_ROOT): EventMap {
  const producers = new Map<string, Set<string>>();
  const consumers = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, topic: string, service: string) =>
    m.set(topic, (m.get(topic) ?? new Set()).add(service));
  for (const service of SERVICE_NAMES) {
    for (const file of sourcesOf(path.join(root, 'apps', service, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const [, key] of text.matchAll(/@EventPattern\(\s*Topics\.(\w+)/g)) {
        const topic = TOPIC_OF_CONTRACT.get(key);
        if (topic) add(consumers, topic, service);
      }
      for (const [, key] of text.matchAll(/\btype:\s*(\w+?)(?:V\d+)?\.type\b/g)) {
        const topic = TOPIC_OF_CONTRACT.get(key);
        if (topic) add(producers, topic, service);
      }
    }
  }
  return { producers, consumers };
}

const SHORT: Record<string, string> = {
  'enrollment-service': 'enrollment',
  'subsidy-service': 'subsidy',
  'tax-collection-feed-service': 'taxfeed',
  'refund-service': 'refund',
  'reporting-service': 'reporting',
};

/** A mermaid flowchart: service → topic → service, topics sorted, so the text is stable. */
export function renderEventMap(map: EventMap): string {
  const lines = ['```mermaid', 'flowchart LR'];
  for (const s of SERVICE_NAMES) lines.push(`  ${SHORT[s]}[${s}]`);
  const topics = [...new Set([...map.producers.keys(), ...map.consumers.keys()])].sort();
  topics.forEach((topic, i) => {
    const node = `t${i}`;
    lines.push(`  ${node}([${topic}])`);
    for (const p of [...(map.producers.get(topic) ?? [])].sort()) lines.push(`  ${SHORT[p]} --> ${node}`);
    for (const c of [...(map.consumers.get(topic) ?? [])].sort()) lines.push(`  ${node} --> ${SHORT[c]}`);
  });
  lines.push('```');
  return lines.join('\n');
}

/** The README with its event map block replaced by `diagram`. */
export function withEventMap(readme: string, diagram: string): string {
  const from = readme.indexOf(BEGIN);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no ${BEGIN} … ${END} block`);
  return `${readme.slice(0, from + BEGIN.length)}\n\n${diagram}\n\n${readme.slice(to)}`;
}

if (require.main === module) {
  const file = path.join(REPO_ROOT, 'README.md');
  const readme = readFileSync(file, 'utf8');
  const next = withEventMap(readme, renderEventMap(readEventMap()));
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md event map is out of date: run `npm run docs:event-map`');
      process.exit(1);
    }
    console.log('README.md event map matches the sources');
  } else {
    writeFileSync(file, next);
    console.log('README.md event map written');
  }
}
