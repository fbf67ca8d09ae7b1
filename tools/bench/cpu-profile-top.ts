// Summarises a V8 CPU profile (`node --cpu-prof`): self time per function and per package or
// source folder, the top entries first.
//   node -r @swc-node/register tools/bench/cpu-profile-top.ts <file.cpuprofile> [--top 25] [--within text]
// --within keeps only the samples from the first to the last whose stack has a frame from a file
// whose path contains the text (e.g. `registration/` for the time under load, without the start-up).
import { readFileSync } from 'node:fs';
import { argNumber } from './bench-support';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code comes from: a package, a folder of ours, node itself or V8. */
export function area(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const ours = /\/(apps\/[^/]+\/src\/[^/]+|libs\/[^/]+\/src(?:\/[^/.]+)?)/.exec(url);
  return ours ? ours[1] : url;
}

function main(): void {
  const file = process.argv[2];
  const top = argNumber('--top', 25);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const args = process.argv;
  const within = args.includes('--within') ? args[args.indexOf('--within') + 1] : undefined;
  const hit = new Map<number, boolean>();
  const under = (id: number | undefined): boolean => {
    if (id === undefined || !within) return false;
    if (!hit.has(id)) hit.set(id, byId.get(id)!.callFrame.url.includes(within) || under(parent.get(id)));
    return hit.get(id)!;
  };
  let first = 0;
  let last = p.samples.length - 1;
  if (within) {
    first = p.samples.findIndex((id) => under(id));
    last = p.samples.length - 1 - [...p.samples].reverse().findIndex((id) => under(id));
  }
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => {
    if (i >= first && i <= last) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of self) {
    const { callFrame: f } = byId.get(id)!;
    const name = `${f.functionName || '(anonymous)'} ${area(f.url, f.functionName)}:${f.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    const a = area(f.url, f.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
  }
  const print = (title: string, m: Map<string, number>) => {
    console.log(`\n${title} (of ${(total / 1e6).toFixed(1)} s sampled)`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  };
  print('self time by package or folder', areas);
  print('self time by function', fn);
}

main();
