import { defineConfig } from 'vitest/config';

// Workflow tests start a real Temporal dev server and bundle workflow code, so give them room;
// TZ is pinned so no test can depend on the machine's zone, and the signing key is emptied so none
// depends on a key in the shell (tests that sign pass their own); likewise no test alerts the shell's channels.
process.env.TZ = 'Europe/London';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    env: {
      TZ: 'Europe/London',
      LOG_LEVEL: 'silent',
      CSC_KPI_SIGNING_KEY: '',
      CSC_KPI_ALERT_WEBHOOK: '',
      CSC_KPI_ALERT_SMTP: '',
      CSC_KPI_ALERT_FROM: '',
      CSC_KPI_ALERT_TO: '',
      CSC_KPI_LA_CODE: '',
    },
  },
});
