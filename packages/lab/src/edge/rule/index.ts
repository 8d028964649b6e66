/**
 * Traefik v3.7 HTTP router rules: the grammar (`pkg/rules/parser.go` over vulcand/predicate),
 * the tree building and checks (`pkg/muxer/http/mux.go`, `parser.go`) and the v3 matchers
 * (`pkg/muxer/http/matcher.go`). See the edge README for the pinned commit and the differences.
 */
import { HTTP_MATCHERS, Matcher, RuleRequest } from './matchers';
import { parseRuleTree, RuleTree } from './parser';
import { RuleSyntaxError } from './scanner';

export { RuleSyntaxError } from './scanner';
export { UnsupportedRegexpError } from './goRegexp';
export { matcherSpellings } from './parser';
export type { RuleTree } from './parser';
export type { RuleRequest } from './matchers';
export { ruleRequest, BadRequestError } from './request';

/** A parsed rule: call `matches` per request. */
export interface CompiledRule {
  matches(request: RuleRequest): boolean;
}

/** The matcher names of the v3 syntax, as Traefik declares them. */
export const V3_MATCHERS = Object.keys(HTTP_MATCHERS);

/** Traefik's `matchersTree.addRule`: checks every leaf (`rules.CheckRule`) and builds it. */
function build(tree: RuleTree): Matcher {
  if (tree.op !== 'matcher') {
    let left: Matcher;
    try {
      left = build(tree.left);
    } catch (e) {
      (e as Error).message = `error while adding rule ${tree.op}: ${
        (e as Error).message
      }`;
      throw e;
    }
    const right = build(tree.right);
    return tree.op === 'and'
      ? r => left(r) && right(r)
      : r => left(r) || right(r);
  }
  const { matcher: name, values } = tree;
  if (values.length === 0)
    throw new RuleSyntaxError(
      `error while checking rule ${name}: no args for matcher ${name}`,
    );
  if (values.some(v => v === ''))
    throw new RuleSyntaxError(
      `error while checking rule ${name}: empty args for matcher ${name}, [${values.join(
        ' ',
      )}]`,
    );
  let matcher: Matcher;
  try {
    matcher = HTTP_MATCHERS[name](values);
  } catch (e) {
    (e as Error).message = `error while adding rule ${name}: ${
      (e as Error).message
    }`;
    throw e;
  }
  return tree.not ? r => !matcher(r) : matcher;
}

/**
 * Parses a rule of Traefik's v3 syntax as Traefik v3.7 does; throws {@link RuleSyntaxError}
 * with Traefik's reason (`error while parsing rule …`) when Traefik refuses it.
 */
export function parseRule(rule: string): CompiledRule {
  let tree: RuleTree;
  try {
    tree = parseRuleTree(rule, V3_MATCHERS);
  } catch (e) {
    (
      e as Error
    ).message = `error while parsing rule ${rule}: parsing rule ${rule}: ${
      (e as Error).message
    }`;
    throw e;
  }
  try {
    return { matches: build(tree) };
  } catch (e) {
    (
      e as Error
    ).message = `error while parsing rule ${rule}: adding rule ${rule}: ${
      (e as Error).message
    }`;
    throw e;
  }
}

/** Traefik's default priority of a rule (`GetRulePriority`): its length in bytes. */
export function rulePriority(rule: string): number {
  return Buffer.byteLength(rule, 'utf8');
}
