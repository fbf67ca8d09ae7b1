import { SetMetadata } from '@nestjs/common';

/** Roles of ARCHITECTURE.md. `township` in a role list admits any `township:<code>` key. */
export const BASE_ROLES = [
  'mib',
  'tax',
  'finance',
  'civil-affairs',
  'rural-revitalization',
  'township',
  'ops',
  'admin',
] as const;
export type BaseRole = (typeof BASE_ROLES)[number];

export const ROLES_KEY = 'urrbmi:roles';
export const PUBLIC_KEY = 'urrbmi:public';

/** Which roles may call this handler (or every handler of this controller). */
export const Roles = (...roles: BaseRole[]) => SetMetadata(ROLES_KEY, roles);
/** No API key needed (health, metrics, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface Principal {
  /** Who holds the key: a person or a system, so maker and checker can differ. */
  holder: string;
  role: string;
  baseRole: BaseRole;
  /** Set for `township:<code>` keys: the only area this holder may see. */
  townshipCode?: string;
}

export function parseRole(role: string): { baseRole: BaseRole; townshipCode?: string } {
  const m = /^township:(\d{9})$/.exec(role);
  if (m) return { baseRole: 'township', townshipCode: m[1] };
  if ((BASE_ROLES as readonly string[]).includes(role) && role !== 'township')
    return { baseRole: role as BaseRole };
  throw new Error(`unknown role "${role}" (township keys are township:<9-digit code>)`);
}
