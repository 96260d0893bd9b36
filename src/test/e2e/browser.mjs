// What the page tests share: headless Chromium (Debian's, path in CHROMIUM) and timed steps.
import { chromium } from 'playwright-core';

export const launch = (extraArgs = []) => chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', ...extraArgs]
});

export const step = async (name, action) => {
  const started = Date.now();
  await action();
  console.log(`step ${name}: ${Date.now() - started} ms`);
};
