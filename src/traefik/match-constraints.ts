/**
 * Whether a backend's labels match a provider's `constraints` expression, as Traefik's MatchLabels decides
 * (pkg/provider/constraints/constraints_labels.go): a Go boolean expression of `Label(name, value)` (the label is set
 * to exactly that value; a label not set reads as empty) and `LabelRegex(name, expression)` (an unanchored regular
 * expression against the label's value), joined with `&&`, `||`, `!` and parentheses, with Go's string literals.
 * A backend that does not match is not routed. An expression this reading cannot follow (a function it does not
 * know, a regular expression JavaScript reads otherwise) says so instead of guessing.
 */
export function matchConstraints(
  expression: string,
  labels: Readonly<Record<string, string>>,
): boolean | { unknown: string } {
  try {
    const parser = new Parser(tokenize(expression));
    const matches = parser.or();
    if (!parser.done()) throw new Error(`unexpected ${parser.peek()?.text}`);
    return matches(labels);
  } catch (error) {
    return { unknown: `the constraints expression ${JSON.stringify(expression)}: ${(error as Error).message}` };
  }
}

type Match = (labels: Readonly<Record<string, string>>) => boolean;
interface Token {
  kind: 'op' | 'name' | 'string';
  text: string;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(&&|\|\||!|\(|\)|,)|([A-Za-z_][A-Za-z0-9_]*)|("(?:[^"\\]|\\.)*")|(`[^`]*`))/y;
  let at = 0;
  while (at < expression.length) {
    if (/^\s*$/.test(expression.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(expression);
    if (!m) throw new Error(`cannot read it from ${JSON.stringify(expression.slice(at).trim())}`);
    at = pattern.lastIndex;
    if (m[1]) tokens.push({ kind: 'op', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'name', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'string', text: JSON.parse(m[3]) as string });
    else tokens.push({ kind: 'string', text: m[4]!.slice(1, -1) });
  }
  return tokens;
}

class Parser {
  #at = 0;
  constructor(readonly tokens: Token[]) {}

  done(): boolean {
    return this.#at >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.#at];
  }

  or(): Match {
    let left = this.and();
    while (this.#accept('||')) {
      const a = left;
      const b = this.and();
      left = (labels) => a(labels) || b(labels);
    }
    return left;
  }

  and(): Match {
    let left = this.unary();
    while (this.#accept('&&')) {
      const a = left;
      const b = this.unary();
      left = (labels) => a(labels) && b(labels);
    }
    return left;
  }

  unary(): Match {
    if (this.#accept('!')) {
      const inner = this.unary();
      return (labels) => !inner(labels);
    }
    if (this.#accept('(')) {
      const inner = this.or();
      this.#expect(')');
      return inner;
    }
    const name = this.tokens[this.#at++];
    if (name?.kind !== 'name') throw new Error(`expected Label or LabelRegex, got ${name?.text ?? 'the end'}`);
    if (name.text !== 'Label' && name.text !== 'LabelRegex')
      throw new Error(`${name.text} is not a function Traefik's constraints know (Label, LabelRegex)`);
    this.#expect('(');
    const key = this.#string();
    this.#expect(',');
    const value = this.#string();
    this.#expect(')');
    if (name.text === 'Label') return (labels) => (labels[key] ?? '') === value;
    // Go's regexp (RE2) refuses lookarounds and back-references, and Traefik's LabelRegex is then false.
    if (/\(\?<?[=!]|\\[1-9]/.test(value)) return () => false;
    // Go's inline case-insensitivity flag at the start becomes JavaScript's flag; any other inline flag fails to
    // compile here, and the expression is then not followed.
    const insensitive = value.startsWith('(?i)');
    const regex = new RegExp(insensitive ? value.slice(4) : value, insensitive ? 'i' : '');
    return (labels) => regex.test(labels[key] ?? '');
  }

  #accept(op: string): boolean {
    const token = this.tokens[this.#at];
    if (token?.kind === 'op' && token.text === op) {
      this.#at++;
      return true;
    }
    return false;
  }

  #expect(op: string): void {
    if (!this.#accept(op)) throw new Error(`expected ${op}, got ${this.tokens[this.#at]?.text ?? 'the end'}`);
  }

  #string(): string {
    const token = this.tokens[this.#at++];
    if (token?.kind !== 'string') throw new Error(`expected a string, got ${token?.text ?? 'the end'}`);
    return token.text;
  }
}
