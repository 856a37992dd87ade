import type { Finding } from './report-findings.js';

/**
 * GitHub Actions workflow commands, one per finding (`::error file=…,line=…,title=…::…`), so each shows on the pull
 * request's diff at its line; then one plain summary line.
 */
export function githubReport(findings: readonly Finding[], summary: string): string {
  const lines = findings.map((f) => {
    const properties = [
      ...(f.location ? [`file=${property(f.location.file)}`, `line=${f.location.line}`, `col=${f.location.col}`] : []),
      `title=${property(`[${f.ruleId}] ${f.title}`)}`,
    ];
    return `::${f.level === 'note' ? 'notice' : f.level} ${properties.join(',')}::${data(f.message)}`;
  });
  return `${[...lines, summary].join('\n')}\n`;
}

// GitHub's escaping (actions/toolkit, core/src/command.ts): a message escapes %, CR and LF; a property also : and ,.
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
