'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- the CommonJS entry of a worker thread, like bin/observatoire.js */
// Entry of the parse thread: TypeScript sources run through SWC, as in the main thread (bin/observatoire.js).
const { join } = require('node:path');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || join(__dirname, '../../../../../../tsconfig.base.json');
require('@swc-node/register');
require('./parse-worker.thread.ts');
