import { formatPosition } from '../errors/scenario-error.js';
import type { Verdict, VerdictStatus } from '../judge/verdict.js';
import { VERSION } from '../package-paths.js';
import type { RunResult } from '../run-result.js';
import { formatDuration } from '../scenario/duration.js';
import { colors } from './colors.js';
import { escapeResult } from './escape-control.js';
import { cellOutcome, evidenceText, madeBy, summaryLine, unique } from './pretty-report.js';

const STATUSES: readonly VerdictStatus[] = ['fail', 'inconclusive', 'pass'];
const WORD: Record<VerdictStatus, string> = { pass: 'pass', fail: 'FAIL', inconclusive: 'inconclusive' };

// Nothing is fetched at view time: the policy allows only the page's own inline style and script.
const POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

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
.fail>summary{color:#cf222e;background:#ffebe9;font-weight:700}
.inconclusive>summary{color:#9a6700;background:#fff8c5}
.pass>summary{color:#1a7f37;background:#dafbe1}
.evidence{font-size:12px;max-width:36rem;margin:.3rem 0 .3rem 1rem}
.evidence code{white-space:pre-wrap;word-break:break-all}
.empty{color:#8c959f}
body.hide-pass .pass,body.hide-fail .fail,body.hide-inconclusive .inconclusive{display:none}
`;

// A filter hides the cells of a verdict; the address keeps the choice (#hide=pass,inconclusive), so a link shows it.
const SCRIPT = `
const boxes = [...document.querySelectorAll('#filters input')];
const hidden = new Set((/^#hide=([a-z,]*)$/.exec(location.hash) || [, ''])[1].split(',').filter(Boolean));
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

/**
 * One self-contained page (no network at view time): the run's summary, engine and versions, the zone matrix with
 * each cell's evidence on click, filters by verdict, then the mismatches and static findings in full.
 */
export function htmlReport(raw: RunResult): string {
  const result = escapeResult(raw);
  const s = result.summary;
  const overall = s.fail > 0 ? 'FAIL' : s.inconclusive > 0 ? 'inconclusive' : 'pass';
  const sources = unique(result.verdicts.map((v) => v.source));
  const targets = unique(result.verdicts.map((v) => v.target));
  const count = (status: VerdictStatus) => result.verdicts.filter((v) => v.status === status).length;
  const filters = STATUSES.map(
    (status) =>
      `<label><input type="checkbox" checked data-status="${status}"> ${WORD[status]} (${count(status)})</label>`,
  ).join('');
  const head = `<tr><th>from \\ to</th>${targets.map((t) => `<th>${escapeHtml(t)}</th>`).join('')}</tr>`;
  const rows = sources.map((source) => {
    const cells = targets.map((target) => {
      const here = result.verdicts.filter((v) => v.source === source && v.target === target);
      return `<td>${here.length === 0 ? '<span class="empty">·</span>' : here.map(verdictHtml).join('')}</td>`;
    });
    return `<tr><th>${escapeHtml(source)}</th>${cells.join('')}</tr>`;
  });
  const findings = result.staticFindings.map(
    (f) =>
      `<li>rule ${f.rule} (${escapeHtml(f.says)}): ${escapeHtml(f.reason)} <code>${escapeHtml(f.location)}</code>${f.compose
        .map((l) => `<br><code>${escapeHtml(`${formatPosition(l)}: ${l.text}`)}</code>`)
        .join('')}</li>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dockprobe: ${overall} (run ${escapeHtml(result.runId)})</title>
<style>${STYLE}</style>
</head>
<body>
<h1>dockprobe: ${overall}</h1>
<p class="meta" id="summary">${escapeHtml(summaryLine(result, colors(false)))}</p>
<p class="meta" id="made-by">${escapeHtml(madeBy(result))}; dockprobe ${escapeHtml(VERSION)}, probe image ${escapeHtml(result.image)}; engine at ${escapeHtml(result.engine.endpoint)} (${escapeHtml(`${result.engine.os}/${result.engine.arch}`)}); started ${escapeHtml(result.startedAt)}, took ${formatDuration(result.durationMs)}</p>
<p class="meta">Scenarios: ${result.scenarios.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ') || 'none'}</p>
<fieldset id="filters"><legend>Show</legend>${filters}</fieldset>
<table id="matrix">
<thead>${head}</thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
${findings.length > 0 ? `<h2>Rules the deployment's configuration contradicts (${findings.length})</h2>\n<ul id="static-findings">${findings.join('')}</ul>\n` : ''}${result.cleanupFailures.length > 0 ? `<h2>Could not remove</h2>\n<p>Run <code>dockprobe cleanup --run ${escapeHtml(result.runId)}</code>:</p><ul>${result.cleanupFailures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>\n` : ''}<script>${SCRIPT}</script>
</body>
</html>
`;
}

// A cell's verdict: its word and outcome, and on click the expectation, reason, code, place and evidence.
function verdictHtml(v: Verdict): string {
  const evidence = v.evidence.map((e) => `<li><code>${escapeHtml(evidenceText(e))}</code></li>`).join('');
  return `<details class="verdict ${v.status}" data-status="${v.status}" data-code="${escapeHtml(v.code)}"><summary>${WORD[v.status]} ${escapeHtml(cellOutcome(v))}</summary><div class="evidence"><p>expected ${v.expected}: ${escapeHtml(v.reason)}</p><p><code>[${escapeHtml(v.code)}]${v.probeErrorCode ? ` [${escapeHtml(v.probeErrorCode)}]` : ''}</code> ${escapeHtml(v.expectation)} at <code>${escapeHtml(v.location)}</code></p>${evidence ? `<ul>${evidence}</ul>` : '<p>no evidence recorded</p>'}</div></details>`;
}

/** Text as HTML text or an attribute's value. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );
}
