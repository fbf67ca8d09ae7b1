import { Parser } from '@asyncapi/parser';
import { contractCatalog } from '../contract-catalog';
import { ALL_TOPICS } from '../topics';
import { buildAsyncApiDocument } from './asyncapi-document';

describe('AsyncAPI document of the event contract', () => {
  const catalog = contractCatalog();
  const doc = buildAsyncApiDocument(catalog, { version: '1.0.0' });

  it('is a valid AsyncAPI 3.0 document', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    expect(document).toBeDefined();
  });

  it('has a channel for every topic and a message for every (type, version) of the catalog', async () => {
    const { document } = await new Parser().parse(JSON.stringify(doc));
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address());
    expect(addresses.sort()).toEqual([...ALL_TOPICS].sort());
    const titles = document!
      .allMessages()
      .all()
      .map((m) => m.title());
    expect(titles.sort()).toEqual(
      catalog
        .definitions()
        .map((d) => `${d.type} v${d.version}`)
        .sort(),
    );
  });

  it('describes payloads as the validators accept them: integer fen, checked ID numbers, closed objects', () => {
    const schemas = (doc.components as { schemas: Record<string, { properties: Record<string, unknown> }> })
      .schemas;
    const payment = schemas.PaymentRecordedV1;
    expect(payment).toMatchObject({ additionalProperties: false });
    expect(payment.properties.amountFen).toEqual({ type: 'integer', minimum: 1 });
    expect(payment.properties.idNumber).toMatchObject({ type: 'string', pattern: '^\\d{17}[\\dX]$' });
    expect(payment.properties.channel).toMatchObject({ enum: expect.arrayContaining(['WECHAT', 'PROXY']) });
  });
});
