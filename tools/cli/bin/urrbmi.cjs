#!/usr/bin/env node
// `npx urrbmi …` from a checkout: the client is TypeScript and runs through the same swc hook as
// `npm run urrbmi`, so there is no build step to forget before a cron job calls it.
require('@swc-node/register');
require('../urrbmi.ts');
