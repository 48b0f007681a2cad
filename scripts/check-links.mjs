// Checks every relative link and image in the repository's Markdown files: the file (or folder) must exist inside the
// repository, and a `#fragment` must be a heading of the target page (GitHub's anchors). Run by `pnpm run lint`.
// Usage: node scripts/check-links.mjs [root]   (default: the repository). Exit 1 and one line per broken link.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';

const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', 'artifacts']);
const md = new MarkdownIt({ html: true });

/** Every `.md` file under root, skipping dependencies, build output and hidden folders. */
function markdownFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...markdownFiles(path));
    else if (entry.name.endsWith('.md')) files.push(path);
  }
  return files;
}

/** The links of one page (href, line) and its headings' anchors as GitHub makes them. */
function parse(path) {
  const tokens = md.parse(readFileSync(path, 'utf8'), {});
  const links = [];
  const anchors = new Set();
  const slugger = new GithubSlugger();
  tokens.forEach((token, index) => {
    if (token.type === 'heading_open') {
      const inline = tokens[index + 1];
      const text = (inline.children ?? [])
        .filter((c) => c.type === 'text' || c.type === 'code_inline')
        .map((c) => c.content)
        .join('');
      anchors.add(slugger.slug(text));
    }
    if (token.type !== 'inline') return;
    const line = (token.map?.[0] ?? 0) + 1;
    for (const child of token.children ?? []) {
      if (child.type === 'link_open') links.push({ href: child.attrGet('href'), line });
      if (child.type === 'image') links.push({ href: child.attrGet('src'), line });
    }
  });
  return { links, anchors };
}

/** Broken relative links under root, as `file:line: problem` lines. */
export function checkLinks(root) {
  const problems = [];
  const pages = new Map();
  const pageOf = (path) => {
    if (!pages.has(path)) pages.set(path, parse(path));
    return pages.get(path);
  };
  for (const file of markdownFiles(root)) {
    for (const { href, line } of pageOf(file).links) {
      if (!href || /^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto:: not ours to check
      const where = `${relative(root, file)}:${line}`;
      const [rawPath, fragment] = href.split('#', 2);
      const target = rawPath === '' ? file : resolve(dirname(file), decodeURIComponent(rawPath));
      if (target !== root && !target.startsWith(root + sep)) {
        problems.push(`${where}: "${href}" points outside the repository`);
        continue;
      }
      if (!existsSync(target)) {
        problems.push(`${where}: "${href}": no such file ${relative(root, target)}`);
        continue;
      }
      if (fragment === undefined || fragment === '') continue;
      if (!target.endsWith('.md') || !statSync(target).isFile()) {
        problems.push(`${where}: "${href}": a #fragment on a file that is not a Markdown page`);
      } else if (!pageOf(target).anchors.has(decodeURIComponent(fragment))) {
        problems.push(`${where}: "${href}": ${relative(root, target)} has no heading #${fragment}`);
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkLinks(root);
  for (const problem of problems) process.stderr.write(`check-links: ${problem}\n`);
  if (problems.length > 0) process.exit(1);
}
