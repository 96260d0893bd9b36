// The review page with an OpenID provider, in headless Chromium: a person signs in on the provider's login page
// (authorization code flow with PKCE), comes back to the page signed in as themselves, opens a batch and approves a
// draft. Writes a screenshot of the signed-in page to SCREENSHOTS. Exits non-zero with the reason when a step fails.
import { launch, step } from './browser.mjs';

const url = process.env.REELFLOW_URL;
const batchId = process.env.BATCH_ID;
const timeout = Number(process.env.STEP_TIMEOUT_MS || 120000);

const browser = await launch();

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(timeout);
  page.on('pageerror', error => console.log('page error: ' + error.message));

  await step('the page offers the sign-in', async () => {
    await page.goto(url + '/review');
    await page.waitForSelector('#sign-in:not([hidden])');
  });

  let authorize = null;
  page.on('request', request => {
    if (request.url().includes('/protocol/openid-connect/auth')) authorize = new URL(request.url());
  });

  await step('sign in on the provider\'s page', async () => {
    await page.click('#sign-in');
    await page.waitForSelector('#username');
    if (!authorize) throw new Error('no authorization request was seen');
    if (authorize.searchParams.get('code_challenge_method') !== 'S256' || !authorize.searchParams.get('code_challenge')) {
      throw new Error('the authorization request has no PKCE challenge: ' + authorize.search);
    }
    await page.fill('#username', process.env.USERNAME);
    await page.fill('#password', process.env.PASSWORD);
    await page.click('#kc-login');
    await page.waitForURL(u => u.pathname === '/review');
    await page.waitForSelector('#app:not([hidden])');
    const who = await page.textContent('#team');
    if (!who.includes(process.env.USERNAME) || !who.includes('reviewer')) throw new Error('the page shows ' + who);
    if (await page.isVisible('#sign-in') || await page.isVisible('#api-key')) throw new Error('a signed-in page still asks to sign in');
  });

  await step('approve a draft as the signed-in reviewer', async () => {
    await page.click(`#batches [data-batch="${batchId}"]`);
    await page.click('[data-shot="s01"] button[data-action=approve]');
    // Accepted by the API (202); the test then checks that it was applied, in the reviewer's name.
    await page.waitForFunction(() => document.querySelector('#message').textContent.includes('approve sent for s01'));
    const head = await page.textContent('.batch-head');
    if (head.includes('null') || head.includes('undefined')) throw new Error('the batch header reads ' + head);
    await page.screenshot({ path: `${process.env.SCREENSHOTS}/signed-in.png`, fullPage: true });
  });
  await browser.close();
} catch (e) {
  console.log('FAILED: ' + (e && e.stack || e));
  await browser.close();
  process.exit(1);
}
