#!/usr/bin/env node
// Browser checks of the generated site (issue 16, point 7). Run by CTest as
// browser_test through run.sh; tests/browser/README.md says what is checked
// and why each viewport.
//
//   node check.js --shnor BIN --source REPO --screenshots DIR [--schools 50]
//
// Builds the example (REPO/content) and a generated district
// (bench/generate.py) with the real shnor binary into temporary folders,
// serves each over http from this process, and looks at the pages with
// Debian's chromium driven by playwright-core (never a downloaded browser):
// sideways scroll, overlapping chart labels, axe-core, html-validate, the four
// first-screen answers, the vi settings. Every finding is one line:
//   FAIL <site> <page> @<viewport> [<check>] <what, which element>
// Before the real pages, the same checks run on tests/browser/fixtures/, pages
// made to break each check: a check that does not fail there fails the run.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');
const { HtmlValidate } = require('html-validate');

// ---------------------------------------------------------------- arguments

const args = { schools: '50', chromium: process.env.CHROMIUM || '/usr/bin/chromium' };
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const needed of ['shnor', 'source', 'screenshots']) {
  if (!args[needed]) {
    console.error(`usage: node check.js --shnor BIN --source REPO --screenshots DIR [--schools N]`);
    process.exit(2);
  }
}
const here = __dirname;
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1) + ' s';

// The viewports. 200 % zoom of a 1280×800 window lays a page out in 640×400
// CSS px, which is what a 640×400 viewport gives (media queries and all);
// deviceScaleFactor 2 only makes the screenshot look like the zoomed window.
// (document.body.style.zoom is not browser zoom: media queries and
// innerWidth do not change with it.)
const VIEWPORTS = {
  '360x800': { viewport: { width: 360, height: 800 }, deviceScaleFactor: 1 },
  '1280x800': { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  'zoom200': { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 },
};
const FIRST_SCREEN = 800;  // px: the four answers start above this at 360×800
const ANSWERS = ['list', 'progress', 'results', 'contact'];

// ---------------------------------------------------------------- findings

// Checks still waiting for other work (pending-checks.txt): their findings are
// printed as PENDING and do not fail the run. Each line: check [path-prefix].
function readPending() {
  const file = path.join(here, 'pending-checks.txt');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean)
    .map((line) => { const [check, prefix = ''] = line.split(/\s+/); return { check, prefix }; });
}
const pending = readPending();

class Findings {
  constructor() { this.failed = []; this.pending = []; this.passed = 0; }
  // One unit of checking (a check on a page at a viewport) and what it found.
  record(site, page, viewport, check, problems) {
    if (!problems.length) { this.passed++; return; }
    const waits = site !== 'fixture' && pending.some((p) => p.check === check && page.startsWith(p.prefix));
    for (const problem of problems) {
      const line = `${site} ${page} @${viewport} [${check}] ${problem}`;
      (waits ? this.pending : this.failed).push(line);
    }
  }
}

// ---------------------------------------------------------------- sites

function build(shnor, content, out) {
  execFileSync(shnor, ['build', '--content', content, '--out', out, '--date', '2024-12-01'], { stdio: 'pipe' });
}

function htmlFiles(root) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.html')) found.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return found.sort();
}

// The kind of a page: its path with the parts that name one school, item,
// roadmap… replaced by '*' («vi/schools/*/results/index.html»).
function kindOf(page) {
  const parts = page.split('/');
  for (let i = 0; i + 1 < parts.length - 1; i++) {
    if (['schools', 'news', 'roadmaps', 'programs', 'pages', 'status'].includes(parts[i])) parts[i + 1] = '*';
  }
  return parts.join('/');
}

// First and last page of each kind (sorted by path).
function samplePerKind(pages, perKind) {
  const kinds = new Map();
  for (const page of pages) {
    const kind = kindOf(page);
    if (!kinds.has(kind)) kinds.set(kind, []);
    kinds.get(kind).push(page);
  }
  const chosen = [];
  for (const list of kinds.values()) {
    chosen.push(list[0]);
    if (perKind > 1 && list.length > 1) chosen.push(list[list.length - 1]);
  }
  return chosen.sort();
}

const isSchoolHome = (page) => /^schools\/[^/]+\/index\.html$/.test(page);
const isVi = (page) => page.startsWith('vi/');

// A static server of one output folder on a free port of 127.0.0.1.
function serve(root) {
  const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
                  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
                  '.webp': 'image/webp', '.ico': 'image/x-icon', '.json': 'application/json',
                  '.xml': 'application/xml', '.csv': 'text/csv; charset=utf-8' };
  const server = http.createServer((request, response) => {
    let file = path.join(root, decodeURIComponent(new URL(request.url, 'http://x').pathname));
    if (!file.startsWith(root)) { response.writeHead(403); response.end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (error, body) => {
      if (error) { response.writeHead(404); response.end('not found'); return; }
      response.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
      response.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------- checks in the page

// Runs in the page. What makes the page wider than the window: the deepest
// elements that reach past its right edge and are not inside a scrolling box
// that ends within the window.
function sidewaysInPage() {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return [];
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    const cls = typeof el.className === 'string' ? el.className : el.getAttribute('class');
    if (cls) name += '.' + cls.trim().split(/\s+/).join('.');
    const text = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 50);
    return `${name}${text ? ` «${text}»` : ''} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`;
  };
  // One walk down the tree: a box that scrolls or clips and ends within the
  // window hides what is inside it; a wide element none of whose children is
  // wide is a culprit.
  const deepest = [];
  const walk = (el) => {
    const box = el.getBoundingClientRect();
    if (getComputedStyle(el).overflowX !== 'visible' && box.right <= width + 0.5) return false;
    let childWide = false;
    for (const child of el.children) childWide = walk(child) || childWide;
    const wide = box.width > 0 && box.right > width + 0.5;
    if (wide && !childWide) deepest.push(el);
    return wide || childWide;
  };
  for (const child of document.body.children) walk(child);
  const culprits = deepest.slice(0, 3).map(describe).join('; ');
  return [`scrolls sideways: scrollWidth ${scrollWidth} > innerWidth ${width}` +
          (culprits ? `; too wide: ${culprits}` : '')];
}

// Runs in the page. In each SVG: pairs of <text> whose boxes overlap, and
// <text> over a .chart__marker. Boxes that only touch (overlap of 1 px or
// less either way) are not counted: glyph boxes include the line's leading.
function chartLabelsInPage() {
  const problems = [];
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
                            Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const round = (box) => `${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.width)}×${Math.round(box.height)}`;
  document.querySelectorAll('svg').forEach((svg, index) => {
    const texts = [...svg.querySelectorAll('text')].filter(visible);
    if (!texts.length) return;
    const figure = svg.closest('figure');
    const caption = figure && figure.querySelector('figcaption');
    const title = svg.querySelector('title');
    const name = (svg.getAttribute('aria-label') || (title && title.textContent) || (caption && caption.textContent) ||
                  svg.id || `SVG №${index + 1}`).replace(/\s+/g, ' ').trim().slice(0, 60);
    const label = (el) => `«${el.textContent.replace(/\s+/g, ' ').trim().slice(0, 30)}» at ${round(el.getBoundingClientRect())}`;
    const markers = [...svg.querySelectorAll('.chart__marker')].filter(visible);
    for (let i = 0; i < texts.length; i++) {
      const a = texts[i].getBoundingClientRect();
      for (let j = i + 1; j < texts.length; j++) {
        if (overlap(a, texts[j].getBoundingClientRect())) {
          problems.push(`chart «${name}»: label ${label(texts[i])} overlaps label ${label(texts[j])}`);
        }
      }
      for (const marker of markers) {
        if (overlap(a, marker.getBoundingClientRect())) {
          problems.push(`chart «${name}»: label ${label(texts[i])} overlaps marker <${marker.tagName.toLowerCase()}> at ${round(marker.getBoundingClientRect())}`);
        }
      }
    }
  });
  return problems;
}

// Runs in the page. The four answers of the first screen (contract of issue
// 16): present, visible, in this order, starting above the fold.
function firstScreenInPage([answers, fold]) {
  const problems = [];
  const found = [];
  for (const key of answers) {
    const el = document.querySelector(`[data-answer="${key}"]`);
    if (!el) { problems.push(`no element with data-answer="${key}"`); continue; }
    const box = el.getBoundingClientRect();
    const top = Math.round(box.top + window.scrollY);
    if (box.height === 0) problems.push(`data-answer="${key}" is not displayed (height 0)`);
    else if (top >= fold) problems.push(`data-answer="${key}" starts at y = ${top}, not above ${fold}`);
    found.push([key, el]);
  }
  for (let i = 1; i < found.length; i++) {
    const [previousKey, previous] = found[i - 1];
    const [key, el] = found[i];
    if (!(previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)) {
      problems.push(`data-answer="${key}" comes before data-answer="${previousKey}" in the document`);
    }
  }
  const contact = document.querySelector('[data-answer="contact"]');
  const main = document.querySelector('main') || document.body;
  const phoneElsewhere = [...main.querySelectorAll('a[href^="tel:"]')].some((a) => !contact || !contact.contains(a));
  if (contact && phoneElsewhere && !contact.querySelector('a[href^="tel:"]')) {
    problems.push('data-answer="contact" has no <a href="tel:…"> although the page shows a phone number');
  }
  return problems;
}

// Runs in the page. Radio groups of the vi settings form.
function viRadioGroupsInPage() {
  const groups = {};
  for (const input of document.querySelectorAll('.vi-settings input[type="radio"]')) {
    (groups[input.name] = groups[input.name] || []).push(input.value);
  }
  return groups;
}

// Runs in the page: checks the given radios as a person would (change events
// included, so that a remembering script sees them too).
function setViRadiosInPage(choice) {
  for (const [name, value] of Object.entries(choice)) {
    const input = [...document.querySelectorAll('.vi-settings input[type="radio"]')]
      .find((el) => el.name === name && el.value === value);
    if (!input) continue;
    input.checked = true;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

// ---------------------------------------------------------------- visiting pages

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function axeInPage(page) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')), count: v.nodes.length,
    }));
  });
  return violations.map((v) => `axe ${v.id} (${v.impact}): ${v.help}; ${v.count} element(s): ${v.nodes.join(' | ')}`);
}

// One page at one viewport: what `task.checks` asks for.
let visits = 0;
const timings = {};  // check → total ms, printed at the end: where the minutes go
async function timed(name, work) {
  const start = Date.now();
  try { return await work(); } finally { timings[name] = (timings[name] || 0) + Date.now() - start; }
}

async function visit(page, task, findings, screenshots) {
  const { site, base, page: rel, viewport } = task;
  const checks = task.checks;
  const url = base + '/' + rel.replace(/index\.html$/, '');
  const response = await timed('load', () => page.goto(url, { waitUntil: 'load' }));
  if (!response || response.status() !== 200 && !rel.endsWith('404.html')) {
    findings.record(site, rel, viewport, 'load', [`HTTP ${response ? response.status() : 'no response'} for ${url}`]);
    return;
  }
  if (checks.includes('sideways')) {
    findings.record(site, rel, viewport, 'sideways-scroll', await timed('sideways', () => page.evaluate(sidewaysInPage)));
  }
  if (checks.includes('charts')) {
    findings.record(site, rel, viewport, 'chart-labels', await timed('charts', () => page.evaluate(chartLabelsInPage)));
  }
  if (checks.includes('first-screen')) {
    findings.record(site, rel, viewport, 'first-screen', await page.evaluate(firstScreenInPage, [ANSWERS, FIRST_SCREEN]));
  }
  if (checks.includes('vi')) {
    const hasForm = await page.evaluate(() => !!document.querySelector('.vi-settings'));
    findings.record(site, rel, viewport, 'vi-settings', hasForm ? [] : ['no element with class="vi-settings" on a vi/ page']);
  }
  if (checks.includes('vi-choices')) await timed('vi-choices', () => viChoices(page, task, findings));
  if (checks.includes('screenshot')) {
    const file = path.join(screenshots, site, viewport, rel.replace(/\/?index\.html$/, '').replace(/\//g, '__') || 'home') + '.png';
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await timed('screenshot', () => page.screenshot({ path: file.replace(/\.html\.png$/, '.png') }));
  }
  if (checks.includes('axe')) findings.record(site, rel, viewport, 'axe', await timed('axe', () => axeInPage(page)));
  if (++visits % 100 === 0) console.log(`  ${visits} page visits (${seconds()})`);
}

// Every option of every radio group of the vi settings, each with the last
// option of every other group (the largest type size, the widest spacing),
// must leave the page without sideways scroll.
async function viChoices(page, task, findings) {
  const { site, page: rel, viewport } = task;
  const groups = await page.evaluate(viRadioGroupsInPage);
  const names = Object.keys(groups);
  if (!names.length) return;
  const problems = [];
  for (const name of names) {
    for (const value of groups[name]) {
      const choice = {};
      for (const other of names) choice[other] = groups[other][groups[other].length - 1];
      choice[name] = value;
      await page.evaluate(setViRadiosInPage, choice);
      const wide = await page.evaluate(sidewaysInPage);
      const said = Object.entries(choice).map(([n, v]) => `${n}=${v}`).join(', ');
      for (const problem of wide) problems.push(`with ${said}: ${problem}`);
    }
  }
  await page.evaluate(() => { try { localStorage.clear(); } catch (e) { /* none */ } });
  findings.record(site, rel, viewport, 'vi-choices', problems);
}

async function runTasks(browser, tasks, findings, screenshots, workers = 2) {
  const byViewport = new Map();
  for (const task of tasks) {
    if (!byViewport.has(task.viewport)) byViewport.set(task.viewport, []);
    byViewport.get(task.viewport).push(task);
  }
  for (const [viewport, list] of byViewport) {
    const contexts = [];
    for (let w = 0; w < workers; w++) contexts.push(await browser.newContext(VIEWPORTS[viewport]));
    let next = 0;
    const groupStart = Date.now();
    await Promise.all(contexts.map(async (context) => {
      const page = await context.newPage();
      while (next < list.length) {
        const task = list[next++];
        try {
          await visit(page, task, findings, screenshots);
        } catch (error) {
          findings.record(task.site, task.page, viewport, 'visit', [`${error.message.split('\n')[0]}`]);
        }
      }
      await context.close();
    }));
    if (list[0].site !== 'fixture') console.log(`  ${list.length} visits at ${viewport}: ${((Date.now() - groupStart) / 1000).toFixed(1)} s`);
  }
}

// ---------------------------------------------------------------- html-validate

async function validateHtml(validator, site, root, pages, findings) {
  for (const rel of pages) {
    const report = await validator.validateFile(path.join(root, rel));
    const problems = [];
    for (const result of report.results) {
      for (const m of result.messages) {
        if (m.severity < 2) continue;
        problems.push(`html-validate ${m.ruleId} line ${m.line}:${m.column}: ${m.message}${m.selector ? ` (${m.selector})` : ''}`);
      }
    }
    findings.record(site, rel, 'file', 'html-validate', problems);
  }
}

// ---------------------------------------------------------------- self-test

// The fixture pages break every check on purpose (fixtures/README.md): each
// expected finding must be reported, and the harmless look-alikes must not.
const FIXTURE_EXPECTED = [
  ['bad/index.html', '360x800', 'sideways-scroll', /scrolls sideways.*div\.too-wide/],
  ['bad/index.html', '360x800', 'chart-labels', /label «10» at .* overlaps label «10,0»/],
  ['bad/index.html', '360x800', 'chart-labels', /label «7,6» at .* overlaps marker <circle>/],
  ['bad/index.html', '360x800', 'axe', /axe image-alt/],
  ['bad/index.html', 'file', 'html-validate', /no-inline-style/],
  ['bad/index.html', '360x800', 'first-screen', /no element with data-answer="results"/],
  ['bad/index.html', '360x800', 'first-screen', /data-answer="contact" starts at y = \d+, not above 800/],
  ['bad/index.html', '360x800', 'first-screen', /data-answer="list" comes before data-answer="progress"|data-answer="progress" comes before/],
  ['bad/index.html', '360x800', 'first-screen', /data-answer="contact" has no <a href="tel:/],
  ['vi/bad/index.html', '360x800', 'vi-settings', /no element with class="vi-settings"/],
  ["vi/choices/index.html", "360x800", "vi-choices", /with size=large, scheme=dark: scrolls sideways/],
];
const FIXTURE_HARMLESS = [/«touch-a»|«touch-b»/, /«far»/, /size=normal, scheme=dark/];

async function selfTest(browser, validator, screenshots) {
  const root = path.join(here, 'fixtures');
  const server = await serve(root);
  const base = `http://127.0.0.1:${server.address().port}`;
  const findings = new Findings();
  const tasks = [
    { site: 'fixture', base, page: 'bad/index.html', viewport: '360x800', checks: ['sideways', 'charts', 'first-screen', 'axe'] },
    { site: 'fixture', base, page: 'vi/bad/index.html', viewport: '360x800', checks: ['vi'] },
    { site: 'fixture', base, page: 'vi/choices/index.html', viewport: '360x800', checks: ['vi', 'vi-choices', 'sideways'] },
  ];
  await runTasks(browser, tasks, findings, screenshots, 1);
  await validateHtml(validator, 'fixture', root, ['bad/index.html'], findings);
  server.close();
  const problems = [];
  for (const [page, viewport, check, pattern] of FIXTURE_EXPECTED) {
    const prefix = `fixture ${page} @${viewport} [${check}] `;
    if (!findings.failed.some((line) => line.startsWith(prefix) && pattern.test(line))) {
      problems.push(`self-test: [${check}] did not report ${pattern} on fixtures/${page} @${viewport}`);
    }
  }
  for (const line of findings.failed) {
    if (FIXTURE_HARMLESS.some((pattern) => pattern.test(line))) problems.push(`self-test: false alarm: ${line}`);
  }
  // The page with the right choices only must pass.
  if (findings.failed.some((line) => line.startsWith('fixture vi/choices/index.html @360x800 [sideways-scroll]'))) {
    problems.push('self-test: fixtures/vi/choices at its default choices reported as scrolling sideways');
  }
  return problems;
}

// ---------------------------------------------------------------- main

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'shnor-browser-'));
  const screenshots = path.resolve(args.screenshots);
  fs.rmSync(screenshots, { recursive: true, force: true });
  fs.mkdirSync(screenshots, { recursive: true });
  let browser;
  const servers = [];
  cleanup = () => {
    fs.rmSync(work, { recursive: true, force: true });
  };
  try {
    const validator = new HtmlValidate(JSON.parse(fs.readFileSync(path.join(here, '.htmlvalidate.json'), 'utf8')));
    browser = await chromium.launch({
      executablePath: args.chromium,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    console.log(`chromium ${browser.version()} (${args.chromium})`);

    const selfProblems = await selfTest(browser, validator, path.join(work, 'fixture-screenshots'));
    for (const line of selfProblems) console.log(`FAIL ${line}`);
    console.log(`self-test on fixtures: ${selfProblems.length ? 'FAILED' : 'every check fails where it must'} (${seconds()})`);

    // The two sites.
    const example = path.join(work, 'example');
    build(args.shnor, path.join(args.source, 'content'), example);
    const district = path.join(work, 'district');
    execFileSync('python3', [path.join(args.source, 'bench', 'generate.py'), args.schools, path.join(work, 'generated')],
                 { stdio: 'pipe' });
    build(args.shnor, path.join(work, 'generated', 'content'), district);
    console.log(`built the example and a district of ${args.schools} schools in ${work} (${seconds()})`);

    const findings = new Findings();
    const tasks = [];
    const sites = [];
    for (const [site, root, all] of [['example', example, true], ['district', district, false]]) {
      const server = await serve(root);
      servers.push(server);
      const base = `http://127.0.0.1:${server.address().port}`;
      const pages = htmlFiles(root).filter((page) => page !== '404.html' || all);
      // The example: every page at 360 px; one of each kind at 1280 px and
      // 200 %. The district: first and last page of each kind everywhere.
      const sample = samplePerKind(pages, all ? 1 : 2);
      const onePerKind = samplePerKind(pages, 1);
      const at360 = all ? pages : sample;
      sites.push({ site, root, pages: all ? pages : sample, count: pages.length });
      for (const rel of at360) {
        // axe (a second or more a page on a busy machine) on one or two pages
        // of each kind: pages of a kind share their markup.
        const checks = onePerKind.includes(rel) ? ['sideways', 'charts', 'axe'] : ['sideways', 'charts'];
        if (rel === 'index.html' || isSchoolHome(rel)) checks.push('first-screen');
        if (isVi(rel)) checks.push('vi');
        if (sample.includes(rel)) checks.push('screenshot');
        if (isVi(rel) && sample.includes(rel)) checks.push('vi-choices');
        tasks.push({ site, base, page: rel, viewport: '360x800', checks });
      }
      // 1280 px and 200 %: one page of each kind (axe has seen the markup at 360 px).
      for (const viewport of ['1280x800', 'zoom200']) {
        for (const rel of onePerKind) tasks.push({ site, base, page: rel, viewport, checks: ['sideways', 'charts', 'screenshot'] });
      }
    }
    await runTasks(browser, tasks, findings, screenshots);
    console.log(`browser: ${tasks.length} page visits (${seconds()}); time in ` +
                Object.entries(timings).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', '));
    for (const { site, root, pages } of sites) await validateHtml(validator, site, root, pages, findings);
    console.log(`html-validate: ${sites.map((s) => `${s.pages.length} pages of the ${s.site} (of ${s.count})`).join(', ')} (${seconds()})`);

    for (const line of findings.pending) console.log(`PENDING ${line}`);
    for (const line of findings.failed) console.log(`FAIL ${line}`);
    console.log(`screenshots: ${screenshots}`);
    if (findings.pending.length) {
      console.log(`${findings.pending.length} finding(s) of checks listed in tests/browser/pending-checks.txt were not counted`);
    }
    const failed = findings.failed.length + selfProblems.length;
    console.log(`browser checks: ${findings.passed} passed, ${failed} failed (${seconds()})`);
    return failed ? 1 : 0;
  } finally {
    for (const server of servers) server.close();
    if (browser) await browser.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// CTest's timeout ends the test with SIGTERM: remove the temporary folder on
// the way out (playwright-core ends the chromium it launched when node exits).
let cleanup = () => {};
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => { cleanup(); process.exit(1); });

main().then((code) => process.exit(code), (error) => {
  console.error(`FAIL browser_test: ${error.stack || error}`);
  process.exit(1);
});
