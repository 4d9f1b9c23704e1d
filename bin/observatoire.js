#!/usr/bin/env node
'use strict';
// The `observatoire` command. TypeScript sources run through SWC (decorator metadata included).
const { join } = require('node:path');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
require('../apps/observatoire/src/cli.ts');
