import { QueueStatus } from '../ops/get-queue-status.handler';
import { barChart, esc, layout } from './html';

/** The ops view of the queues, reloading itself every `refreshSeconds`. */
export function renderOpsView(s: QueueStatus, refreshSeconds: number): string {
  const groups = s.consumerGroups
    .map(
      (
        g,
      ) => `<tr data-group="${esc(g.groupId)}"><td class="l">${esc(g.groupId)}</td><td class="l">${esc(g.state)}</td>
<td>${g.members}</td><td class="lag ${g.lag > 0 ? 'bad' : 'ok'}">${g.lag}</td>
<td class="l">${g.topics
        .filter((t) => t.lag > 0)
        .map(
          (t) =>
            `${esc(t.topic)}: ${t.partitions
              .filter((p) => p.lag > 0)
              .map((p) => `p${p.partition}=${p.lag}`)
              .join(' ')}`,
        )
        .join('<br>')}</td></tr>`,
    )
    .join('\n');
  const dlq = s.deadLetters
    .map(
      (d) =>
        `<tr><td class="l">${esc(d.topic)}</td><td class="${d.messages > 0 ? 'bad' : ''}">${d.messages}</td></tr>`,
    )
    .join('\n');
  const outbox = s.outboxBacklogs
    .map(
      (b) =>
        `<tr><td class="l">${esc(b.service)}</td><td class="${b.backlog ? 'bad' : ''}">${b.backlog ?? '—'}</td><td class="l">${esc(b.error ?? '')}</td></tr>`,
    )
    .join('\n');
  const feeds = s.feeds
    .map(
      (
        f,
      ) => `<tr><td class="l">${esc(f.regionCode)}</td><td>${esc(f.lastFeedDate ?? '—')}</td><td>${esc(f.lastReceivedAt ?? '—')}</td>
<td class="${f.late ? 'bad' : 'ok'}">${f.late ? `迟报 ${esc(f.lateFeedDate)}` : '按时'}</td></tr>`,
    )
    .join('\n');
  const chart = barChart(
    s.consumerGroups.map((g) => ({ label: g.service, value: g.lag, warn: g.lag > 0 })),
    { format: (v) => String(v), title: 'consumer lag per group' },
  );
  return layout(
    '队列运行监控 ops view',
    `<h1>队列运行监控 Ops view</h1>
<div class="meta">生成于 ${esc(s.generatedAt)} · 每 ${refreshSeconds} 秒自动刷新</div>
<h2>消费组积压 Consumer lag</h2>
${chart}
<table id="groups"><thead><tr><th class="l">group</th><th class="l">state</th><th>members</th><th>lag</th><th class="l">lagging partitions</th></tr></thead>
<tbody>
${groups}
</tbody></table>
<h2>死信队列 Dead letters</h2>
<table id="dlq"><thead><tr><th class="l">topic</th><th>messages</th></tr></thead><tbody>
${dlq}
</tbody></table>
<h2>发件箱积压 Outbox backlog</h2>
<table id="outbox"><thead><tr><th class="l">service</th><th>backlog</th><th class="l">note</th></tr></thead><tbody>
${outbox}
</tbody></table>
<h2>税务日报 Daily feed</h2>
<table id="feeds"><thead><tr><th class="l">region</th><th>last feed date</th><th>received at</th><th>status</th></tr></thead><tbody>
${feeds || '<tr><td class="l" colspan="4">no feed received yet</td></tr>'}
</tbody></table>`,
    refreshSeconds,
  );
}
