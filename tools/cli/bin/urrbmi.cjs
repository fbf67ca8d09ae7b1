#!/usr/bin/env node
// `npx urrbmi …` from a checkout: the client is TypeScript and runs through the same swc hook as
// `npm run urrbmi`, so there is no build step to forget before a cron job calls it.
// The hook reads tsconfig.json from the working directory; a cron job runs from anywhere.
process.env.SWC_NODE_PROJECT ??= require('node:path').join(__dirname, '../../../tsconfig.json');
require('@swc-node/register');
require('../urrbmi.ts');
