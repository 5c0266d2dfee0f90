// The real browser test: two connected chat_node processes, each page opened in
// headless Chromium (Debian's, driven by playwright-core), chat both ways, live
// video, the phone layout, and screenshots.
//
//   node tests/browser/two_pages.mjs --bin build/release/chat_node [--out DIR] [--chromium PATH]
//
// --bin defaults to $CHAT_NODE_BIN, --out to build/release/browser (beside this
// repository's build), --chromium to $CHROMIUM or /usr/bin/chromium. Exits 0
// when every check passed, 1 with the failed check's message otherwise. Every
// wait is bounded; the nodes and the browser are stopped on every way out.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const STEP_MS = 20_000;      // any one step: a page to load, a message to arrive, a frame to change
const OVERALL_MS = 150_000;  // the whole run, below CTest's 180 s, so we clean up before it kills us

const here = dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2));
const bin = args.bin || process.env.CHAT_NODE_BIN;
const outDir = resolve(args.out || join(here, '..', '..', 'build', 'release', 'browser'));
const chromiumPath = args.chromium || process.env.CHROMIUM || '/usr/bin/chromium';

const children = [];
let browser = null;
let overall = null;

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(bin|out|chromium)$/.exec(argv[i]);
    if (!m || i + 1 >= argv.length) usage(`unknown or incomplete option '${argv[i]}'`);
    out[m[1]] = argv[++i];
  }
  return out;
}

function usage(why) {
  console.error(`two_pages: ${why}\nusage: node two_pages.mjs --bin PATH/chat_node [--out DIR] [--chromium PATH]`);
  process.exit(2);
}

class CheckFailed extends Error {}

function check(ok, what) {
  if (!ok) throw new CheckFailed(what);
  console.log(`ok: ${what}`);
}

// Polls fn() until it returns something truthy, at most ms; the value or a CheckFailed naming what.
// fn may throw CheckFailed to give up at once (a node that died will not print its line later).
async function waitFor(what, fn, ms = STEP_MS) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      if (e instanceof CheckFailed) throw new CheckFailed(`${what}: ${e.message}`);
      last = e;
    }
    if (Date.now() > deadline) {
      throw new CheckFailed(`${what} (not within ${ms / 1000} s${last instanceof Error ? ': ' + last.message : ''})`);
    }
    await sleep(100);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One chat_node child: its stdout lines, stderr lines, and a way to wait for either.
function startNode(name, extra) {
  const argv = ['--web', '127.0.0.1:0', '--test-pattern', '--name', name, ...extra];
  // stdin stays an open pipe: a --connect node ends when its input ends.
  const proc = spawn(bin, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  const node = { name, proc, stdout: [], stderr: [], exited: null };
  proc.on('exit', (code, signal) => { node.exited = signal || code; });
  proc.on('error', (e) => { node.exited = e.message; });
  proc.stdin.on('error', () => {});  // writing to a node that died is reported by the checks
  createInterface({ input: proc.stdout }).on('line', (l) => node.stdout.push(l));
  createInterface({ input: proc.stderr }).on('line', (l) => node.stderr.push(l));
  children.push(node);
  return node;
}

async function waitForLine(node, stream, re, what) {
  return waitFor(`${node.name}: ${what}`, () => {
    if (node.exited !== null) throw new CheckFailed(`chat_node exited (${node.exited})`);
    for (const l of node[stream]) {
      const m = re.exec(l);
      if (m) return m;
    }
    return null;
  });
}

function dumpNodes() {
  for (const n of children) {
    console.error(`--- ${n.name}: stderr (last 20 lines)`);
    for (const l of n.stderr.slice(-20)) console.error(`    ${l}`);
    console.error(`--- ${n.name}: stdout (last 20 lines)`);
    for (const l of n.stdout.slice(-20)) console.error(`    ${l}`);
  }
}

async function stopNodes() {
  await Promise.all(children.map(async (n) => {
    if (n.exited !== null) return;
    n.proc.stdin.end();
    n.proc.kill('SIGTERM');
    const deadline = Date.now() + 3000;
    while (n.exited === null && Date.now() < deadline) await sleep(50);
    if (n.exited === null) n.proc.kill('SIGKILL');
  }));
}

// Every console error and uncaught exception on any page fails the test.
const pageErrors = [];
function watchPage(page, label) {
  page.setDefaultTimeout(STEP_MS);
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location() && m.location().url ? ` (${m.location().url})` : '';
    pageErrors.push(`${label}: console error: ${m.text()}${where}`);
  });
  page.on('pageerror', (e) => pageErrors.push(`${label}: uncaught exception: ${e.message}`));
  page.on('crash', () => pageErrors.push(`${label}: page crashed`));
  return page;
}

function checkNoPageErrors() {
  check(pageErrors.length === 0, `no console errors or uncaught exceptions${pageErrors.length ? ':\n  ' + pageErrors.join('\n  ') : ''}`);
}

// A cheap fingerprint of a canvas's pixels, plus whether it shows more than one colour.
async function canvasSample(page, selector) {
  return page.$eval(selector, (c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let hash = 0;
    let varied = false;
    for (let i = 0; i < data.length; i += 4) {
      hash = (Math.imul(hash, 31) + data[i] + (data[i + 1] << 8) + (data[i + 2] << 16)) | 0;
      if (!varied && (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2])) varied = true;
    }
    return { hash, varied, width: c.width, height: c.height };
  });
}

async function checkVideoUpdating(page, label, selector) {
  const first = await waitFor(`${label}: ${selector} shows a picture`, async () => {
    const s = await canvasSample(page, selector);
    return s.varied ? s : null;
  });
  // The test pattern moves every frame: the pixels must change, more than once.
  let last = first.hash;
  let changes = 0;
  await waitFor(`${label}: ${selector} keeps changing`, async () => {
    const s = await canvasSample(page, selector);
    if (s.hash !== last) { changes++; last = s.hash; }
    return changes >= 3;
  });
  check(true, `${label}: ${selector} is updating (${first.width}x${first.height}, changed ${changes} times)`);
}

async function peerCanvas(page) {
  const id = await page.$eval('#tiles figure.tile canvas', (c) => c.id);
  return `#${id}`;
}

async function checkPage(page, own, peer) {
  await waitFor(`${own}'s page shows its name`, async () => (await page.textContent('#node-name')).includes(own));
  check(true, `${own}'s page shows its name: "${await page.textContent('#node-name')}"`);
  await waitFor(`${own}'s page is connected to its node`, async () => (await page.textContent('#link-state')) === 'connected');
  const row = await waitFor(`${own}'s peer list shows ${peer} as connected`, async () => {
    const rows = await page.$$eval('#peers li', (lis) => lis.map((li) => li.textContent));
    return rows.find((t) => t.includes(peer) && t.includes('connected'));
  });
  check(true, `${own}'s peer list shows ${peer} as connected: "${row}"`);
}

async function checkLogHas(page, label, text) {
  await waitFor(`${label}: the log shows "${text}"`, async () =>
    page.$$eval('#log li .text', (spans, t) => spans.some((s) => s.textContent === t), text));
  check(true, `${label}: the log shows "${text}"`);
}

async function main() {
  if (!bin) usage('no chat_node given (--bin PATH or CHAT_NODE_BIN)');
  overall = setTimeout(() => {
    console.error(`FAIL: the whole test took over ${OVERALL_MS / 1000} s`);
    dumpNodes();
    cleanup().finally(() => process.exit(1));
  }, OVERALL_MS);
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });

  const alice = startNode('alice', ['--listen', '127.0.0.1:0']);
  const [, alicePort] = await waitForLine(alice, 'stderr', /listening on 127\.0\.0\.1:(\d+)/, 'listening line');
  const [, aliceUrl] = await waitForLine(alice, 'stderr', /web page at (http:\/\/\S+)/, 'web page line');
  const bob = startNode('bob', ['--connect', `127.0.0.1:${alicePort}`]);
  const [, bobUrl] = await waitForLine(bob, 'stderr', /web page at (http:\/\/\S+)/, 'web page line');
  console.log(`alice: ${aliceUrl} (peers on ${alicePort}), bob: ${bobUrl}`);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: STEP_MS,
    // Playwright gives the browser a fresh profile (--user-data-dir in a new
    // temporary directory) and removes it on close. The flags keep Chromium
    // from reaching out to Google's services, which this network has not.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
           '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  console.log(`browser: ${chromiumPath} ${browser.version()}`);
  const desktop = { viewport: { width: 1280, height: 800 } };
  const alicePage = watchPage(await (await browser.newContext(desktop)).newPage(), "alice's page");
  const bobPage = watchPage(await (await browser.newContext(desktop)).newPage(), "bob's page");
  await Promise.all([alicePage.goto(aliceUrl), bobPage.goto(bobUrl)]);

  await checkPage(alicePage, 'alice', 'bob');
  await checkPage(bobPage, 'bob', 'alice');

  // Page -> page and page -> the other node's terminal, with HTML that must stay text.
  const fromAlice = "<b>bold?</b> hello from alice's page";
  await alicePage.fill('#input', fromAlice);
  await alicePage.press('#input', 'Enter');
  await checkLogHas(bobPage, "bob's page", fromAlice);
  await checkLogHas(alicePage, "alice's page", fromAlice);
  check(await bobPage.$$eval('#log b, #log script, #log img', (e) => e.length) === 0,
        "bob's page created no element from the message's HTML");
  check((await bobPage.$eval('#log', (l) => l.innerHTML)).includes('&lt;b&gt;bold?&lt;/b&gt;'),
        "bob's page shows the literal <b> (escaped in the DOM)");
  check(await alicePage.$eval('#input', (i) => i.value) === '', "alice's input is cleared after sending");
  const line = await waitForLine(bob, 'stdout', new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\] alice\\S*: ${escapeRe(fromAlice)}$`),
                                 "the page's message on stdout");
  check(true, `bob's node printed: ${line[0]}`);

  // Terminal -> the other node's page.
  const fromBob = 'hi from bob\'s terminal & <i>stdin</i>';
  bob.proc.stdin.write(fromBob + '\n');
  await checkLogHas(alicePage, "alice's page", fromBob);
  check(await alicePage.$$eval('#log i', (e) => e.length) === 0, "alice's page created no element from bob's HTML");

  // Video: each page's peer tile, its own preview, and the stats beside them.
  for (const [page, label] of [[alicePage, "alice's page"], [bobPage, "bob's page"]]) {
    const peerSel = await peerCanvas(page);
    await checkVideoUpdating(page, label, peerSel);
    const own = await waitFor(`${label}: the own-camera preview is drawn`, async () => {
      const s = await canvasSample(page, '#video-0');
      return s.varied ? s : null;
    });
    check(true, `${label}: the own-camera preview is drawn (${own.width}x${own.height})`);
    for (const statsSel of [peerSel.replace('#video-', '#stats-'), '#stats-0']) {
      const text = await waitFor(`${label}: ${statsSel} shows an fps`, async () => {
        const t = await page.textContent(statsSel);
        return /\d+(\.\d+)? fps/.test(t) && t;
      });
      check(true, `${label}: ${statsSel} shows "${text}"`);
    }
  }

  const desktopShot = join(outDir, 'alice-desktop.png');
  await alicePage.screenshot({ path: desktopShot, fullPage: true });

  // A phone-sized window: nothing wider than the screen, the input and Send button reachable.
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2,
                                                  isMobile: true, hasTouch: true });
  const phone = watchPage(await phoneContext.newPage(), "bob's page on a phone");
  await phone.goto(bobUrl);
  await checkPage(phone, 'bob', 'alice');
  // A page opened later starts with an empty log: send it a long line, with a long word, to lay out.
  const longLine = 'a long line for a narrow screen: ' + 'word '.repeat(30) + 'https://example.invalid/' + 'x'.repeat(80);
  await alicePage.fill('#input', longLine);
  await alicePage.press('#input', 'Enter');
  await checkLogHas(phone, "bob's page on a phone", longLine);
  await checkVideoUpdating(phone, "bob's page on a phone", await peerCanvas(phone));
  const widths = await phone.evaluate(() => ({
    inner: window.innerWidth, doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,
    wide: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')).slice(0, 5),
  }));
  check(widths.doc <= widths.inner && widths.body <= widths.inner && widths.wide.length === 0,
        `phone: no horizontal overflow (viewport ${widths.inner}px, page ${widths.doc}px${widths.wide.length ? ', too wide: ' + widths.wide.join(' ') : ''})`);
  for (const sel of ['#input', '#send-form button']) {
    const el = phone.locator(sel);
    await el.scrollIntoViewIfNeeded();
    const box = await el.boundingBox();
    check(await el.isVisible() && box && box.x >= 0 && box.x + box.width <= widths.inner && box.width >= 40,
          `phone: ${sel} is visible within the screen (${box ? `${Math.round(box.x)}..${Math.round(box.x + box.width)}px` : 'no box'})`);
  }
  await phone.evaluate(() => window.scrollTo(0, 0));
  const phoneShot = join(outDir, 'bob-phone.png');
  await phone.screenshot({ path: phoneShot, fullPage: true });

  checkNoPageErrors();
  for (const n of children) check(n.exited === null, `${n.name}'s node is still running`);
  console.log(`screenshots:\n  ${desktopShot}\n  ${phoneShot}`);
  console.log(`browser test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function cleanup() {
  clearTimeout(overall);
  if (browser) await browser.close().catch(() => {});
  browser = null;
  await stopNodes();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`two_pages: ${signal}: stopping the nodes and the browser`);
    cleanup().finally(() => process.exit(1));
  });
}

try {
  await main();
  await cleanup();
} catch (e) {
  console.error(`FAIL: ${e instanceof CheckFailed ? e.message : e.stack || e}`);
  if (pageErrors.length) console.error(`page errors so far:\n  ${pageErrors.join('\n  ')}`);
  dumpNodes();
  await cleanup();
  process.exitCode = 1;
}
