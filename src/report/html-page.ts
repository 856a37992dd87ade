// The one HTML page every command's `--html` writes (a test's verdicts, a drill's rows): self-contained, a matrix of
// sources and targets, each cell's items with their evidence on click, and filters by status. What differs between
// commands is only what fills it (report/html-report.ts, drill/html-drill-report.ts).

// Nothing is fetched at view time: the policy allows only the page's own inline style and script.
const POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

/** How a status is shown: a tone for its colour, a word for its cells and its filter. */
export interface PageStatus {
  /** The status as data (`fail`, `path-open`): a class, a filter's key and the address's `#hide=` word. */
  status: string;
  word: string;
  tone: 'bad' | 'warn' | 'good' | 'quiet';
}

/** One item of a cell: its status, a line shown, and the evidence shown on click (each part already HTML). */
export interface PageItem {
  source: string;
  target: string;
  status: string;
  /** Extra `data-` attributes, by name (`code`). */
  data: Record<string, string>;
  /** The line shown in the cell, as text. */
  summary: string;
  /** What a click shows, as HTML (its text escaped by the caller with {@link escapeHtml}). */
  detailHtml: string;
}

/** What a page shows. Text fields are text; fields named `…Html` are HTML whose text the caller escaped. */
export interface MatrixPage {
  /** The page's heading: `dockprobe: FAIL`, `dockprobe drill from all`. */
  heading: string;
  runId: string;
  /** The summary line, and the lines of what made it (engine, versions, times). */
  summary: string;
  madeBy: string;
  moreHtml: string[];
  statuses: readonly PageStatus[];
  sources: readonly string[];
  targets: readonly string[];
  /** Every item, in the order cells list them. */
  items: readonly PageItem[];
  /** Sections under the matrix, each a heading and HTML. */
  sectionsHtml: string[];
}

const TONES: Record<PageStatus['tone'], string> = {
  bad: 'color:#cf222e;background:#ffebe9;font-weight:700',
  warn: 'color:#9a6700;background:#fff8c5',
  good: 'color:#1a7f37;background:#dafbe1',
  quiet: 'color:#57606a;background:#eaeef2',
};

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#fff}
h1{font-size:1.4rem;margin:0 0 .3rem}
.meta{color:#57606a;margin:.2rem 0}
#filters{border:1px solid #d0d7de;border-radius:6px;padding:.4rem .8rem;margin:1rem 0;display:inline-block}
#filters label{margin-right:1rem}
table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;vertical-align:top;text-align:left}
thead th{background:#f6f8fa;font-family:ui-monospace,monospace;font-weight:600}
tbody th{background:#f6f8fa;white-space:nowrap}
details.verdict{margin:.1rem 0}
details.verdict>summary{cursor:pointer;white-space:nowrap}
details.verdict>summary{padding:0 .3rem;border-radius:3px}
.evidence{font-size:12px;max-width:36rem;margin:.3rem 0 .3rem 1rem}
.evidence code{white-space:pre-wrap;word-break:break-all}
.empty{color:#8c959f}
`;

// A filter hides the cells of a status; the address keeps the choice (#hide=pass,inconclusive), so a link shows it.
const SCRIPT = `
const boxes = [...document.querySelectorAll('#filters input')];
const hidden = new Set((/^#hide=([a-z,-]*)$/.exec(location.hash) || [, ''])[1].split(',').filter(Boolean));
function show() {
  for (const box of boxes) {
    box.checked = !hidden.has(box.dataset.status);
    document.body.classList.toggle('hide-' + box.dataset.status, hidden.has(box.dataset.status));
  }
}
for (const box of boxes) {
  box.addEventListener('change', () => {
    if (box.checked) hidden.delete(box.dataset.status);
    else hidden.add(box.dataset.status);
    history.replaceState(null, '', hidden.size ? '#hide=' + [...hidden].join(',') : location.pathname);
    show();
  });
}
show();
`;

/** The page: heading, summary and what made it, filters, the matrix, then the sections. */
export function htmlPage(page: MatrixPage): string {
  const count = (status: string) => page.items.filter((i) => i.status === status).length;
  const filters = page.statuses
    .map(
      (s) =>
        `<label><input type="checkbox" checked data-status="${s.status}"> ${escapeHtml(s.word)} (${count(s.status)})</label>`,
    )
    .join('');
  const style = `${STYLE}${page.statuses
    .map((s) => `.${s.status}>summary{${TONES[s.tone]}}\nbody.hide-${s.status} .${s.status}{display:none}`)
    .join('\n')}\n`;
  const word = new Map(page.statuses.map((s) => [s.status, s.word]));
  const head = `<tr><th>from \\ to</th>${page.targets.map((t) => `<th>${escapeHtml(t)}</th>`).join('')}</tr>`;
  const rows = page.sources.map((source) => {
    const cells = page.targets.map((target) => {
      const here = page.items.filter((i) => i.source === source && i.target === target);
      return `<td>${here.length === 0 ? '<span class="empty">·</span>' : here.map((i) => itemHtml(i, word.get(i.status) ?? i.status)).join('')}</td>`;
    });
    return `<tr><th>${escapeHtml(source)}</th>${cells.join('')}</tr>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.heading)} (run ${escapeHtml(page.runId)})</title>
<style>${style}</style>
</head>
<body>
<h1>${escapeHtml(page.heading)}</h1>
<p class="meta" id="summary">${escapeHtml(page.summary)}</p>
<p class="meta" id="made-by">${escapeHtml(page.madeBy)}</p>
${page.moreHtml.map((m) => `<p class="meta">${m}</p>\n`).join('')}<fieldset id="filters"><legend>Show</legend>${filters}</fieldset>
<table id="matrix">
<thead>${head}</thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
${page.sectionsHtml.join('')}<script>${SCRIPT}</script>
</body>
</html>
`;
}

// One item: its word and line, and on click what the caller gives.
function itemHtml(item: PageItem, word: string): string {
  const data = Object.entries(item.data)
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  return `<details class="verdict ${item.status}" data-status="${item.status}"${data}><summary>${escapeHtml(word)} ${escapeHtml(item.summary)}</summary><div class="evidence">${item.detailHtml}</div></details>`;
}

/** Text as HTML text or an attribute's value. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );
}
