// The review page end to end in headless Chromium: submit a batch, drafts appear and play, approve one and its
// final appears, revise another and revision 2 appears; a batch with placements shows its files with download
// links and downloads as a ZIP; the page fits a phone-width screen. A screenshot of each
// step is written to SCREENSHOTS. Exits non-zero with the reason when a step fails.
import { readFileSync } from 'node:fs';
import { launch, step } from './browser.mjs';

const url = process.env.REELFLOW_URL;
const key = process.env.REELFLOW_KEY;
const shots = process.env.SCREENSHOTS;
const timeout = Number(process.env.STEP_TIMEOUT_MS || 120000);

const browser = await launch(['--autoplay-policy=no-user-gesture-required']);

try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(timeout);
  page.on('pageerror', error => console.log('page error: ' + error.message));

  await step('sign in', async () => {
    await page.goto(url + '/review');
    await page.fill('#api-key', key);
    await page.click('#key-form button');
    await page.waitForSelector('#app:not([hidden])');
  });

  await step('submit a batch', async () => {
    await page.fill('#new-batch input[name=campaign]', 'e2e');
    await page.fill('#new-batch textarea[name=prompts]', [
      'Slow dolly in on a ceramic cup on a marble counter at golden hour, steam rising; soft cafe chatter.',
      'Handheld tracking shot through a neon night market, light rain; sizzling woks and distant voices.',
      'Aerial pull-back over a harbour at dawn, gulls calling [refuse]'
    ].join('\n'));
    await page.click('#new-batch button[type=submit]');
    await page.waitForSelector('#submit-advice:not([hidden])');
  });

  const durationOf = selector => page.waitForFunction(sel => {
    const video = document.querySelector(sel);
    return video && video.readyState >= 1 && Number.isFinite(video.duration) ? video.duration : false;
  }, selector).then(handle => handle.jsonValue());

  await step('drafts appear and play inline', async () => {
    for (const shot of ['s01', 's02']) {
      const seconds = await durationOf(`[data-shot="${shot}"] video.draft`);
      if (Math.abs(seconds - 4) > 0.3) throw new Error(`draft of ${shot} is ${seconds} s long, not 4`);
    }
    await page.screenshot({ path: `${shots}/1-drafts.png`, fullPage: true });
  });

  await step('each draft shows its content credentials', async () => {
    for (const shot of ['s01', 's02']) {
      const badge = await page.waitForSelector(`[data-shot="${shot}"] .credentials:not(.missing)`);
      const title = await badge.getAttribute('title');
      if (!title.includes('AI-generated (local-preview (local))') || !title.includes('urn:c2pa:')) {
        throw new Error(`the credentials badge of ${shot} says: ${title}`);
      }
    }
  });

  await step('a draft refused by moderation says the prompt was refused', async () => {
    await page.waitForFunction(() => {
      const card = document.querySelector('[data-shot="s03"] .placeholder');
      return card && card.textContent.includes('failed (the prompt was refused)');
    });
  });

  await step('approve a draft; its final appears beside it', async () => {
    await page.click('[data-shot="s01"] button[data-action=approve]');
    const seconds = await durationOf('[data-shot="s01"] video.final');
    if (Math.abs(seconds - 12) > 0.3) throw new Error(`final of s01 is ${seconds} s long, not 12`);
    await page.waitForSelector('[data-shot="s01"] video.draft');
    await page.screenshot({ path: `${shots}/2-final.png`, fullPage: true });
  });

  await step('revise a draft; revision 2 appears', async () => {
    await page.click('[data-shot="s02"] button[data-action=revise]');
    await page.fill('[data-shot="s02"] textarea[name=revisedPrompt]',
      'Slow crane up over a neon night market in light rain, steam rising from the woks; distant voices.');
    await page.click('[data-shot="s02"] .revise-form button[type=submit]');
    await page.waitForSelector('[data-shot="s02"] video.draft[data-revision="2"]');
    const prompt = await page.textContent('[data-shot="s02"] .prompt');
    if (!prompt.startsWith('Slow crane up')) throw new Error('revision 2 shows the old prompt: ' + prompt);
    if (await page.isVisible('[data-shot="s02"] .revise-form')) throw new Error('the revise box of revision 2 is open');
    await page.screenshot({ path: `${shots}/3-revision.png`, fullPage: true });
  });

  await step('placement files appear with download links; the batch ZIP downloads', async () => {
    const batchId = 'e2e-deliver-' + Date.now();
    const status = await page.evaluate(async ([key, batchId]) => {
      const response = await fetch('/api/v1/batches', {
        method: 'POST', headers: { 'Authorization': 'Bearer ' + key, 'Content-Type': 'application/json' },
        body: JSON.stringify({ batchId, campaign: 'e2e-deliver',
          defaults: { reviewPolicy: 'approve-all', deliverables: ['square', { name: 'reels', burnCaptions: true }] },
          shots: [{ shotId: 's01', prompt: 'Slow dolly in on a ceramic cup on a marble counter at golden hour, steam rising; soft cafe chatter.',
            captions: [{ start: 0.5, end: 3, text: 'Good morning' }] }] })
      });
      return response.status;
    }, [key, batchId]);
    if (status !== 202) throw new Error(`the batch with placements was answered ${status}`);
    await page.reload();
    await page.waitForSelector('#app:not([hidden])');
    await page.click(`#batches [data-batch="${batchId}"]`);
    const row = placement => `[data-shot="s01"] tr[data-placement="${placement}"][data-state="DELIVERED"]`;
    await page.waitForSelector(row('reels') + ' a');
    await page.waitForSelector(row('square') + ' a');
    const reels = await page.$$eval(row('reels') + ' a', links => links.map(a => a.textContent));
    if (reels.join(',') !== 'MP4,VTT,SRT') throw new Error('the reels file links are ' + reels.join(','));
    const size = await page.textContent(row('reels') + ' td:nth-child(3)');
    if (size !== '1080x1920') throw new Error('the reels file is listed as ' + size);
    const video = await page.request.get(await page.getAttribute(row('square') + ' a', 'href'));
    const body = await video.body();
    if (!video.ok() || body.length < 10000 || body.toString('latin1', 4, 8) !== 'ftyp') {
      throw new Error(`the square file's link served ${video.status()} with ${body.length} bytes`);
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-action=zip]')]);
    if (download.suggestedFilename() !== `${batchId}-deliverables.zip`) throw new Error('the ZIP is named ' + download.suggestedFilename());
    const zip = readFileSync(await download.path());
    if (zip.length < 20000 || zip.toString('latin1', 0, 2) !== 'PK') throw new Error(`the ZIP has ${zip.length} bytes`);
    await page.screenshot({ path: `${shots}/5-deliverables.png`, fullPage: true });
  });

  await step('phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) throw new Error(`the page is ${overflow} px wider than a 390 px screen`);
    await page.screenshot({ path: `${shots}/4-phone.png`, fullPage: true });
  });
} finally {
  await browser.close();
}
