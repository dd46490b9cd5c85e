#!/usr/bin/env node
// Entry point for the `csc-kpi` command: the compiled CLI lives in dist/ (built at install).
process.env.TZ = 'Europe/London';
await import('../dist/cli/main.js');
