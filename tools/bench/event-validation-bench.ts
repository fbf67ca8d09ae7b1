// Benchmark: validating events, the way every consumer parses a message (JSON, envelope, payload)
// and every producer prepares a payload. Baseline, measured in the same run: the same work through
// class-validator's `validateSync` + class-transformer (what `validateAs` did for every event).
//   npm run bench:event-validation -- [--events 200000]
import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { contractCatalog, EventEnvelope } from '@urrbmi/contracts';
import { appendResults, argNumber, benchPersonId, printTable, runBench } from './bench-support';

const EVENTS = argNumber('--events', 200_000);

function message(i: number): string {
  const idNumber = benchPersonId(i);
  return JSON.stringify({
    eventId: randomUUID(),
    type: 'payment.recorded',
    version: 1,
    occurredAt: '2023-10-01T09:00:00.000+08:00',
    producer: 'tax-collection-feed-service',
    correlationId: randomUUID(),
    causationId: null,
    key: idNumber,
    payload: {
      voucherNo: `V${i}`,
      idNumber,
      name: '张三',
      regionCode: '620725',
      townshipCode: '620725100',
      season: 2023,
      amountFen: 38000,
      channel: 'WECHAT',
      paidAt: '2023-10-01T09:00:00.000+08:00',
      feedId: '0e7c3a0e-7c55-4c1d-9a71-5b0f3e1c9a10',
    },
  });
}

/** What `validateAs` did before: class-transformer copy, then class-validator, for envelope and payload. */
function classValidatorParse(raw: string): object {
  const strict = { whitelist: true, forbidNonWhitelisted: true };
  const envelope = plainToInstance(EventEnvelope, JSON.parse(raw) as object);
  if (validateSync(envelope, strict).length) throw new Error('invalid envelope');
  const def = contractCatalog().get(envelope.type, envelope.version);
  const payload = plainToInstance(def.payloadClass, envelope.payload);
  if (validateSync(payload, strict).length) throw new Error('invalid payload');
  return payload;
}

async function main(): Promise<void> {
  const catalog = contractCatalog();
  const messages = Array.from({ length: 1000 }, (_, i) => message(i));
  const time = (parse: (raw: string) => unknown) => {
    for (let i = 0; i < 2000; i++) parse(messages[i % messages.length]); // warm-up
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < EVENTS; i++) parse(messages[i % messages.length]);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const baseline = time(classValidatorParse);
  const compiled = time((raw) => catalog.parse(raw));
  const rate = (s: number) => `${Math.round(EVENTS / s).toLocaleString('en')} events/s`;
  const rows: [string, string][] = [
    ['events parsed (payment.recorded: JSON, envelope, payload)', EVENTS.toLocaleString('en')],
    ['baseline: class-validator + class-transformer', rate(baseline)],
    ['EventCatalog.parse (compiled check)', rate(compiled)],
    ['speed-up', `${(baseline / compiled).toFixed(1)}x`],
    [
      'CPU per event, baseline / compiled',
      `${((baseline / EVENTS) * 1e6).toFixed(1)} / ${((compiled / EVENTS) * 1e6).toFixed(1)} µs`,
    ],
  ];
  printTable('Event validation', rows);
  appendResults('Event validation (consumer parse)', rows);
}

runBench(main);
