import { FILE_FORMATS } from '@urrbmi/contracts';
import { fileBody, Schema, serviceClient, ServicePaths } from '@urrbmi/contracts/openapi';

/** The roster file's header, from its format in libs/contracts. */
export const ROSTER_HEADER = FILE_FORMATS.roster.columns.map((c) => c.name).join(',');

export type RosterSource =
  ServicePaths['subsidy-service']['/v1/rosters']['post']['parameters']['header']['X-Roster-Source'];

/**
 * Stages a roster snapshot of `rows` (CSV lines without the header) as `key`'s holder, through the
 * typed client generated from docs/openapi.
 */
export async function uploadRoster(
  baseUrl: string,
  key: string,
  source: RosterSource,
  asOf: string,
  rows: string[],
  region?: string,
): Promise<{
  status: number;
  body: Schema<'subsidy-service', 'RosterUploadView'> & Record<string, unknown>;
}> {
  const { data, error, response } = await serviceClient('subsidy-service', baseUrl, key).POST('/v1/rosters', {
    params: {
      header: { 'X-Roster-Source': source, 'X-As-Of': asOf, ...(region ? { 'X-Region-Code': region } : {}) },
    },
    ...fileBody([ROSTER_HEADER, ...rows].join('\n') + '\n'),
  });
  return {
    status: response.status,
    body: (data ?? error) as Schema<'subsidy-service', 'RosterUploadView'> & Record<string, unknown>,
  };
}
