#!/usr/bin/env node
// Paste-ready fragments in a hostile theme (issue 18, point 4). Run by CTest
// as browser_fragments_test through run.sh.
//
//   node fragments.js --shnor BIN --source REPO --screenshots DIR
//
// Builds the example district and one school's fragments (`build --school
// SLUG --fragment`, links to this server), serves both over http, and pastes
// each fragment into a page whose stylesheet does what CMS themes do
// (HOSTILE below). Then, at 360 and 1280 px wide, for every element of the
// page's content, compares the computed styles that make its look (PROPERTIES)
// in the hostile page and on the district site; checks that nothing sticks out
// sideways and that the theme's own text keeps its look; checks with the browser's own
// CSS parser that every rule of the fragment's <style> is scoped to
// .shnor-fragment; and takes screenshots into DIR/fragments/<viewport>/.
// Each finding: FAIL fragments <file> @<viewport> [<check>] <what>.
// What is not promised: a theme's `!important` rules and selectors of two
// ids or more (docs/ARCHITECTURE.md, «Paste-ready fragments»).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

const args = { chromium: process.env.CHROMIUM || '/usr/bin/chromium' };
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const needed of ['shnor', 'source', 'screenshots']) {
  if (!args[needed]) {
    console.error('usage: node fragments.js --shnor BIN --source REPO --screenshots DIR');
    process.exit(2);
  }
}
const SCHOOL = 'shubinskaya';
const DATE = '2024-11-01';
const VIEWPORTS = { '360x800': { width: 360, height: 800 }, '1280x800': { width: 1280, height: 800 } };

// What CMS themes do to the content column: a page font and size of their
// own, rem shrunk, paragraphs without margins and indented, lists without
// markers, tables full width with borders of their own, id selectors, a
// class name that the fragment also uses (.tag), floats, content-box.
const HOSTILE = `
html { font-size: 62.5%; }
body { font: 12px/1.1 "Comic Sans MS", "Comic Neue", cursive; color: #333; background: #fafad2; margin: 0; }
* { box-sizing: content-box; }
#content { max-width: 75rem; margin: 0 auto; padding: 0 10px; }
#content p, .entry-content p { margin: 0; text-indent: 2em; text-align: justify; line-height: 1; }
#page .entry-content p, #page .entry-content li span { word-spacing: 6px; text-shadow: 1px 1px 0 red; }
#page .entry-content table tbody td:first-child, #page .entry-content .section h2 { font-style: italic; padding-left: 30px; }
h1, h2, h3, h4 { font-family: Georgia, serif; text-transform: uppercase; color: purple; margin: 0; font-weight: 400; letter-spacing: 3px; }
#content h2 { font-size: 40px; border-bottom: 4px double purple; }
a, a:visited { color: orange !important; text-decoration: none; }
ul, ol { list-style: none; padding: 0; margin: 0; }
li { margin: 0; padding-left: 10px; }
li::before { content: "» "; color: red; }
table { width: 100%; border: 0; border-collapse: separate; border-spacing: 5px; }
#content table td, #content table th { border: 3px dashed green; padding: 20px; background: #eee; text-align: center; vertical-align: middle; font-size: 10px; }
caption { caption-side: bottom; font-style: italic; }
img { max-width: none; border: 5px solid black; }
span, strong { font-weight: 400; color: teal; }
dl, dt, dd { margin: 0; padding: 0; float: left; }
.tag { display: none; }
div { padding: 2px; border: 0; }
section { margin: 40px; }
details, summary { display: block; }
abbr { text-decoration: none; border-bottom: 1px dotted; }
svg { display: block; width: 50px; }
`;
// The one rule above the fragment does not override (!important beats any
// selector): links keep the theme's colour, and so does what takes its
// colour from theirs (text and borders inside a link). Left out of the
// comparison, as the docs say.
const LINK_COLOURED = ['color', 'border-top-color', 'border-bottom-color'];

const PROPERTIES = [
  'display', 'box-sizing', 'float', 'position', 'visibility',
  'font-family', 'font-size', 'font-weight', 'font-style', 'line-height', 'letter-spacing', 'word-spacing',
  'text-align', 'text-indent', 'text-transform', 'text-decoration-line', 'white-space', 'vertical-align',
  'text-shadow',
  'color', 'background-color',
  'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'border-top-width', 'border-right-width', 'border-bottom-width', 'border-left-width',
  'border-top-style', 'border-bottom-style', 'border-top-color', 'border-bottom-color',
  'list-style-type', 'border-collapse', 'border-spacing', 'caption-side', 'max-width',
  'fill', 'stroke',
];

const failed = [];
let compared = 0;
const fail = (file, viewport, check, what) => failed.push(`FAIL fragments ${file} @${viewport} [${check}] ${what}`);

function serve(root) {
  const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml',
                  '.png': 'image/png', '.jpg': 'image/jpeg', '.ico': 'image/x-icon' };
  const server = http.createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const host = pathname.match(/^\/host\/([a-z0-9-]+\.html)$/);
    if (host) {  // a CMS page with the fragment pasted into its content column
      const fragment = fs.readFileSync(path.join(root, 'fragments', host[1]), 'utf8');
      response.writeHead(200, { 'content-type': types['.html'] });
      response.end(`<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Сайт школы</title>
<style>${HOSTILE}</style></head><body><div id="page"><div id="content" class="entry-content">
<h1 class="page-title">Страница сайта школы</h1>
<p>Текст самой страницы до фрагмента.</p>
${fragment}
<p>Текст самой страницы после фрагмента.</p>
</div></div></body></html>`);
      return;
    }
    let file = path.join(root, pathname);
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

// Runs in the page: the computed PROPERTIES of every element under `rootSelector`, in document order.
function stylesIn([rootSelector, properties]) {
  const root = document.querySelector(rootSelector);
  if (!root) return null;
  // <abbr> left out: a page expands each abbreviation at its first use,
  // which on the district site may be before <main> (its breadcrumbs).
  return [...root.querySelectorAll('*')].filter((element) => element.tagName !== 'ABBR').map((element) => {
    const style = getComputedStyle(element);
    const text = (element.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40);
    const described = element.tagName.toLowerCase() +
      (element.getAttribute('class') ? '.' + element.getAttribute('class').trim().split(/\s+/).join('.') : '') +
      (text ? ` «${text}»` : '');
    return { tag: element.tagName.toLowerCase(), described, inLink: !!element.closest('a'),
             values: Object.fromEntries([
               ...properties.map((p) => [p, style.getPropertyValue(p)]),
               // What a theme's li::before { content: "»" } would add.
               ...['::before', '::after'].map((pseudo) => [`${pseudo} content`,
                 getComputedStyle(element, pseudo).getPropertyValue('content')]),
             ]) };
  });
}

// Runs in the page: the selectors of the fragment's stylesheet that do not start with .shnor-fragment.
function unscopedSelectors() {
  const sheet = [...document.styleSheets].find((s) => s.ownerNode && s.ownerNode.closest('.shnor-fragment'));
  if (!sheet) return ['(no stylesheet inside .shnor-fragment)'];
  const wrong = [];
  let count = 0;
  const walk = (rules) => {
    for (const rule of rules) {
      if (rule.selectorText !== undefined) {
        // The browser's own parse: one selector list a rule, split at top-level commas.
        let depth = 0, current = '';
        const selectors = [];
        for (const c of rule.selectorText) {
          if (c === '(') depth++;
          if (c === ')') depth--;
          if (c === ',' && depth === 0) { selectors.push(current.trim()); current = ''; } else current += c;
        }
        selectors.push(current.trim());
        for (const s of selectors) { count++; if (!s.startsWith('.shnor-fragment')) wrong.push(s); }
      }
      if (rule.cssRules) walk(rule.cssRules);
    }
  };
  walk(sheet.cssRules);
  return count > 100 ? wrong : [`only ${count} selectors parsed`];
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'shnor-fragments-'));
  const server = await serve(work);
  const base = `http://127.0.0.1:${server.address().port}/site/`;
  const content = path.join(args.source, 'content');
  const cache = path.join(work, 'cache');
  const shnor = (out, extra) => execFileSync(args.shnor, ['build', '--content', content, '--out', path.join(work, out),
    '--date', DATE, '--cache', cache, '--base-url', base, ...extra], { stdio: 'pipe' });
  shnor('site', []);
  shnor('fragments', ['--school', SCHOOL, '--fragment']);
  const files = fs.readdirSync(path.join(work, 'fragments')).filter((f) => f.endsWith('.html') && f !== 'index.html').sort();
  if (files.length < 5) fail('-', '-', 'files', `only ${files.length} fragments written`);

  const browser = await chromium.launch({
    executablePath: args.chromium, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const [viewport, size] of Object.entries(VIEWPORTS)) {
      const context = await browser.newContext({ viewport: size });
      const page = await context.newPage();
      const shots = path.join(args.screenshots, 'fragments', viewport);
      fs.mkdirSync(shots, { recursive: true });
      for (const file of files) {
        // The same page on the district site, as the fragment's last line names it.
        const source = fs.readFileSync(path.join(work, 'fragments', file), 'utf8')
          .match(/Эта страница на сайте района: <a href="([^"]+)"/);
        if (!source || !source[1].startsWith(base)) { fail(file, viewport, 'source', 'no link to its district page'); continue; }
        const districtUrl = source[1];
        await page.goto(districtUrl);
        const expected = await page.evaluate(stylesIn, ['main', PROPERTIES]);
        await page.goto(`http://127.0.0.1:${server.address().port}/host/${file}`);
        const got = await page.evaluate(stylesIn, ['.shnor-fragment__main', PROPERTIES]);
        if (!expected) { fail(file, viewport, 'district-page', `no <main> at ${districtUrl}`); continue; }
        if (!got) { fail(file, viewport, 'pasted', 'no .shnor-fragment__main in the host page'); continue; }
        if (got.length !== expected.length) {
          fail(file, viewport, 'structure', `${got.length} elements pasted, ${expected.length} on the district site`);
        }
        for (let i = 0; i < Math.min(got.length, expected.length); i++) {
          if (got[i].tag !== expected[i].tag) {
            fail(file, viewport, 'structure', `element ${i}: ${got[i].described} pasted, ${expected[i].described} on the district site`);
            break;
          }
          for (const property of Object.keys(expected[i].values)) {
            if (got[i].inLink && LINK_COLOURED.includes(property)) continue;
            compared++;
            if (got[i].values[property] !== expected[i].values[property]) {
              fail(file, viewport, 'computed-style', `${got[i].described}: ${property} is «${got[i].values[property]}», ` +
                `on the district site «${expected[i].values[property]}»`);
            }
          }
        }
        for (const selector of await page.evaluate(unscopedSelectors)) fail(file, viewport, 'scoped', `rule not scoped: ${selector}`);
        // Nothing of the fragment sticks out of a phone's screen.
        const wider = await page.evaluate(() => {
          const width = innerWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          return [...document.querySelectorAll('.shnor-fragment *')].filter((e) => e.getBoundingClientRect().right > width + 1)
            .slice(-3).map((e) => `${e.tagName.toLowerCase()}.${e.getAttribute('class') || ''} (right edge ${Math.round(e.getBoundingClientRect().right)} px)`);
        });
        for (const element of wider) fail(file, viewport, 'sideways-scroll', element);
        // The theme's own text around the fragment keeps the theme's look.
        const around = await page.evaluate(() => getComputedStyle(document.querySelector('#content > p')).textIndent);
        if (around !== '24px') fail(file, viewport, 'theme-untouched', `the host's paragraph has text-indent ${around}`);
        await page.screenshot({ path: path.join(shots, file.replace(/\.html$/, '.png')), fullPage: true });
      }
      await page.goto(`${base.replace(/site\/$/, '')}fragments/index.html`);
      await page.screenshot({ path: path.join(shots, 'index.png'), fullPage: true });
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
  for (const line of failed) console.log(line);
  console.log(`${files.length} fragments at ${Object.keys(VIEWPORTS).length} widths: ${compared} computed values compared, ` +
              `${failed.length} findings; screenshots in ${path.join(args.screenshots, 'fragments')}`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((error) => { console.error(error); process.exit(1); });
