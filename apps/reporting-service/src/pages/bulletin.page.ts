import { AlertRow } from '../alerts/alert.repository';
import { WeeklyRanking } from '../rankings/get-weekly-ranking.handler';
import { barChart, esc, layout, percent } from './html';

const LEVEL = { TOWNSHIP: '乡镇', VILLAGE: '村' } as Record<string, string>;

/** 周通报: the seed's table with completion rates, movement and alerts. */
export function renderBulletin(r: WeeklyRanking, alerts: AlertRow[]): string {
  const movement = (m: number | null) =>
    m === null
      ? '—'
      : m > 0
        ? `<span class="up">↑${m}</span>`
        : m < 0
          ? `<span class="down">↓${-m}</span>`
          : '→';
  const rows = r.rows
    .map(
      (x) => `<tr class="${x.behind ? 'behind' : ''}" data-unit="${esc(x.unitCode)}">
<td>${x.rank}</td><td class="l">${esc(x.unitName)}</td><td>${x.quota}</td><td>${x.active}</td>
<td>${percent(x.completionRate)}</td><td>${x.previousRank ?? '—'}</td><td>${movement(x.movement)}</td>
<td>${x.weeksBehind}</td><td>${x.alerted ? '<span class="bad">预警</span>' : ''}</td></tr>`,
    )
    .join('\n');
  const rule = r.rule
    ? `排名规则：${r.rule.behind === 'LAST' ? '倒数第一' : `后 ${r.rule.bottomN ?? 'N'} 名`}连续 ${r.rule.consecutiveWeeks} 周 → ${esc(r.rule.action)}`
    : '本政策未设周排名预警规则';
  const alertItems = alerts
    .map(
      (a) =>
        `<li>${esc(a.weekEnding)} ${esc(String(a.detail.unitName ?? a.unitCode))}：${
          a.kind === 'RANKED_BEHIND'
            ? `连续 ${esc(String(a.detail.consecutiveWeeks))} 周排名落后`
            : '未完成阶段目标'
        }（${esc(String(a.detail.action ?? ''))}）</li>`,
    )
    .join('\n');
  const chart = barChart(
    r.rows.map((x) => ({ label: x.unitName, value: x.completionRate, warn: x.behind })),
    { max: 1, format: percent, title: '完成率' },
  );
  return layout(
    `征缴进度周通报 ${r.regionCode} ${r.week.from}—${r.week.to}`,
    `<h1>${r.season} 年度城乡居民医保征缴进度周通报</h1>
<div class="meta">区域 ${esc(r.regionCode)} · 按${LEVEL[r.level] ?? r.level}排名 · 统计周 ${esc(r.week.from)} 至 ${esc(r.week.to)}（北京时间）· ${rule}</div>
<table id="ranking">
<thead><tr><th>排名</th><th class="l">单位</th><th>任务数</th><th>已参保缴费</th><th>完成率</th><th>上周排名</th><th>升降</th><th>连续落后周数</th><th>预警</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>完成率</h2>
${chart}
<h2>预警</h2>
${alertItems ? `<ul id="alerts">${alertItems}</ul>` : '<p id="alerts">本季暂无预警。</p>'}`,
  );
}
