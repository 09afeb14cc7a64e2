import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CLI suites spawn ffmpeg and 1080p frames; two cores are all CI has.
    maxWorkers: 2,
  },
});
