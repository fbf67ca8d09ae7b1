import { DomainError } from '../errors/domain-error';
import { createCommand } from '../use-case/command';
import { residentIdsIn } from './person-reads.interceptor';
import {
  ListPersonReadsHandler,
  ListPersonReadsQuery,
  RecordPersonReadsCommand,
} from './person-reads.use-cases';
import { PersonReadsRepository } from './person-reads.repository';

const A = '11010519491231002X';
const B = '620725199001011230';

describe('read audit: which persons a response names', () => {
  it('takes valid ID numbers from route parameters and anywhere in the body, once each', () => {
    expect(
      residentIdsIn(
        { idNumber: A.toLowerCase(), season: '2023' },
        { idNumber: A, items: [{ idNumber: B, payee: { idNumber: B } }], total: 2 },
      ),
    ).toEqual([A, B]);
  });

  it('ignores masked, invalid and non-string values', () => {
    expect(
      residentIdsIn(
        { id: '3f6d1d0e-2b7e-4a51-9d0e-0c1f5c9b7a11' },
        { masked: '620725********1230', typo: '620725199001011231', n: 620725199001011230, none: null },
      ),
    ).toEqual([]);
  });
});

describe('read audit use cases', () => {
  it('refuses a record whose ID numbers are not normalised', () => {
    const cmd = Object.assign(new RecordPersonReadsCommand(), {
      at: new Date(),
      holder: 'h',
      role: 'mib',
      route: 'GET /v1/x',
      idNumbers: ['620725********1230'],
    });
    expect(() => createCommand(RecordPersonReadsCommand, { ...cmd })).toThrow(DomainError);
  });

  it("lists a person's reads only for a valid ID number and real instants", async () => {
    const handler = new ListPersonReadsHandler({} as PersonReadsRepository);
    await expect(
      handler.execute(createCommand(ListPersonReadsQuery, { idNumber: '620725199001011231' })),
    ).rejects.toMatchObject({
      code: 'INVALID_ID_NUMBER',
    });
    await expect(
      handler.execute(createCommand(ListPersonReadsQuery, { idNumber: B, from: '2023-99-99' })),
    ).rejects.toMatchObject({ code: 'BAD_QUERY' });
    expect(() => createCommand(ListPersonReadsQuery, { idNumber: B, limit: '0' })).toThrow(DomainError);
    expect(() => createCommand(ListPersonReadsQuery, { idNumber: B, other: 'x' })).toThrow(DomainError);
  });
});
