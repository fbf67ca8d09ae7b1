import { waitFor } from './services';

/** The value of one Prometheus series on a service's /metrics (0 when the series is absent). */
export async function metricValue(
  serviceUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    if (wanted.every((w) => (m[2] ?? '').includes(w))) sum += Number(m[3]);
  }
  return sum;
}

/**
 * Waits until a series has grown past `after`: the observable that a negative check ("nothing
 * changed") waits on instead of sleeping, e.g. the inbox having skipped a redelivered event.
 */
export function waitForMetricAbove(
  serviceUrl: string,
  name: string,
  labels: Record<string, string>,
  after: number,
  timeoutMs = 60_000,
): Promise<number> {
  return waitFor(
    `${name}${JSON.stringify(labels)} above ${after}`,
    () => metricValue(serviceUrl, name, labels),
    (v) => v > after,
    timeoutMs,
  );
}

/**
 * Waits until a consumer has applied (or skipped as a duplicate) at least every event of `topic`
 * its producer has published — the producer's outbox empty — so that "nothing more changes" can be
 * checked right away.
 */
export function waitForTopicDrained(
  producerUrl: string,
  consumerUrl: string,
  prefix: string,
  topic: string,
  timeoutMs = 60_000,
): Promise<unknown> {
  return waitFor(
    `${topic} drained`,
    async () => ({
      backlog: await metricValue(producerUrl, 'messaging_outbox_backlog'),
      produced: await metricValue(producerUrl, 'messaging_events_produced_total', {
        topic: `${prefix}${topic}`,
      }),
      consumed:
        (await metricValue(consumerUrl, 'messaging_events_consumed_total', { topic })) +
        (await metricValue(consumerUrl, 'messaging_events_duplicate_total', { topic })),
    }),
    (v) => v.backlog === 0 && v.produced > 0 && v.consumed >= v.produced,
    timeoutMs,
  );
}
